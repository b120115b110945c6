"""The memo's fixed wording (headings, table heads, signature lines), as the seed memo has it."""
