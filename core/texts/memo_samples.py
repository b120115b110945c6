"""Sample data for the generated memo inputs (jobs/memo/samples.py): not the product's wording.

Extra division names for a large plan, the reviewers' comments of an approved chain and the
evidence note of the generated results.
"""

# divisions added after the seed plan's own, for a large generated plan
EXTRA_DIVISIONS = [
    "กองการศึกษา ศาสนาและวัฒนธรรม",
    "กองส่งเสริมการเกษตร",
    "กองยุทธศาสตร์และงบประมาณ",
    "กองการเจ้าหน้าที่",
    "หน่วยตรวจสอบภายใน",
    "กองพัสดุและทรัพย์สิน",
    "กองช่างสุขาภิบาล",
]
# a generated division's name past the named ones
NUMBERED_DIVISION = "หน่วยงานที่ {number}"
# a repeated measure's title: the seed title and which round of the seed measures it is
REPEATED_MEASURE_TITLE = "{title} (ชุดที่ {round})"

# the approved chain's comments, step by step (None: the step approves without a comment)
APPROVAL_COMMENTS = [
    "เห็นควรเสนอพิจารณา",
    None,
    "เห็นควรอนุมัติ",
    "ให้เผยแพร่บนเว็บไซต์ของหน่วยงาน",
]
# the evidence note of every third generated measure
EVIDENCE_NOTE = "ตรวจสอบในเว็บไซต์ของหน่วยงาน"
