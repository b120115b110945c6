"""The memo (บันทึกข้อความ): PDF and page-1 PNG through typst, DOCX through python-docx."""

from jobs.memo.render import (
    MemoInput,
    MemoRenderError,
    RenderedMemo,
    StepRecord,
    render_memo,
    warm_up,
)

__all__ = ["MemoInput", "MemoRenderError", "RenderedMemo", "StepRecord", "render_memo", "warm_up"]
