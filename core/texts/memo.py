"""The memo's fixed wording (headings, table heads, signature lines), as the seed memo has it."""

# the continuation word (คำต่อหน้า, jobs/memo/content.first_word)
APPROVAL_WORD = "อนุมัติ"  # the approval block's first word (its box ticked or not)
# a noun made with การ / ความ after a page's first word reads with it: ผล|การประเมิน is "ผลการ"
NOUN_PREFIXES = ("การ", "ความ")

# user text as the memo prints it (jobs/memo/content.clean)
SARA_AM_SPLIT = "\u0e4d\u0e32"  # nikhahit + sara aa, as some keyboards type sara am
SARA_AM = "\u0e33"
# ๆ and ฯ never begin a line, nor a number after ที่ / ข้อ: bound with a no-break space
BIND_MARK_BEFORE = r" ([ๆฯ])"
BIND_NUMBER_AFTER = r"(ที่|ข้อ) (?=[0-9๐-๙])"

# the results table's status columns, in the order of jobs/memo/content.STATUS_COLUMNS
STATUS_HEADINGS = ("ยังไม่ดำเนินการ", "อยู่ระหว่างดำเนินการ", "ดำเนินการเสร็จเรียบร้อยแล้ว")
# where the narrow status columns break their headings (the dictionary would split ดำเนิน|การ)
STATUS_HEADING_LINES = (
    ("ยังไม่", "ดำเนินการ"),
    ("อยู่ระหว่าง", "ดำเนินการ"),
    ("ดำเนินการ", "เสร็จเรียบร้อย", "แล้ว"),
)

PLAN_HEADINGS = ("มาตรการ", "ขั้นตอนหรือวิธีการ", "ผู้รับผิดชอบ", "การกำกับติดตาม")
RESULT_HEADINGS = ("มาตรการ", "ขั้นตอนหรือวิธีการ", "สถานะการดำเนินการ")

MEASURES_HEADING = "มาตรการเพื่อขับเคลื่อนการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงานให้ดีขึ้น"
RESULTS_HEADING = "ผลการดำเนินการตามมาตรการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
RESULTS_HEADING_ORG = "ของ{org}"  # the results heading's second line
ITA_NAME = "การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ"

TITLE = "บันทึกข้อความ"

# the body's paragraphs ({ita} is ITA_NAME; numbers and dates already in Thai digits)
# the analysis memo's item that set the measures ("ไว้ในข้อ ๖ "), when the plan names it
ANALYSIS_ITEM = "ไว้ในข้อ {item} "
INTRO = (
    "ตามที่{unit} ได้รายงานการวิเคราะห์ผล{ita}ในปี พ.ศ.{year} "
    "และได้กำหนดมาตรการเพื่อขับเคลื่อนการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงานให้ดีขึ้น "
    "{item}ตามบันทึกข้อความ เรื่อง รายงานการวิเคราะห์ผล{ita}ในปี พ.ศ.{year} "
    "ของ{org} ลงวันที่ {analysis_date} มีรายละเอียดดังนี้"
)
ITA_PARAGRAPH = (
    "ผล{ita} (Integrity and Transparency Assessment : ITA) "
    "ประจำปีงบประมาณ พ.ศ.{year} ของ{org_full} "
    "มีค่าคะแนนเท่ากับ {score} อยู่ในระดับ {level} "
    "และเพื่อให้ผล{ita} (ITA) ประจำปีงบประมาณ พ.ศ.{next_year} "
    "มีค่าคะแนนที่สูงขึ้น และเป็นไปตามมาตรการเพื่อขับเคลื่อนการส่งเสริมคุณธรรมและความโปร่งใส"
    "ภายในหน่วยงานให้ดียิ่งขึ้น {unit} จึงขอรายงานผลการดำเนินการตามมาตรการเพื่อส่งเสริม"
    "คุณธรรมและความโปร่งใสภายในหน่วยงาน ตามมาตรการที่ได้กำหนดไว้ข้างต้น ดังต่อไปนี้"
)
CLOSING = "จึงเรียนมาเพื่อโปรดทราบ"
CLOSING_WEBSITE = " และโปรดพิจารณาอนุมัติให้เผยแพร่รายงานผลการดำเนินการดังกล่าวบนเว็บไซต์ของ{org}ต่อไป"

# the review chain's blocks
AGREE = "เห็นชอบ"
DISAGREE = "ไม่เห็นชอบ"
REVIEW_HEADING = "ความคิดเห็นของ{position}"
# the approval block (DOCX): the two boxes' words, the reason after เนื่องจาก
APPROVE_BOX = " " + APPROVAL_WORD + "      "
REJECT_BOX = " ไม่อนุมัติ เนื่องจาก "

# the footer's version label
VERSION_LABEL = "ฉบับที่ {version}"
DRAFT_SUFFIX = " · ร่าง"

# the DOCX's header labels and signature lines
OFFICE_LABEL = "ส่วนราชการ"
PHONE = "  {office}  โทร. {phone}"
REF_LABEL = "ที่"
DATE_LABEL = "วันที่"
SUBJECT_LABEL = "เรื่อง"
TO_LINE = "เรียน  {to}"
SIGNED = "(ลงชื่อ)"
SIGNED_DATE = "วันที่ {date}"
PAGE_NUMBER_PLACEHOLDER = "๒"  # the PAGE field's cached value before Word updates it
