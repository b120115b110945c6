"""The memo's fixed wording (headings, table heads, signature lines), as the seed memo has it."""

# the continuation word (คำต่อหน้า, jobs/memo/content.first_word)
APPROVAL_WORD = "อนุมัติ"  # the approval block's first word (its box ticked or not)
# a noun made with การ / ความ after a page's first word reads with it: ผล|การประเมิน is "ผลการ"
NOUN_PREFIXES = ("การ", "ความ")
