"""Builds the Word templates of the per-case documents (run after changing this file, commit the .docx):

    python -m admin.doc_templates.build_templates

    registration.docx   信访举报登记表: the facts of the report as registered, and its timeline
    disposal.docx       问题线索处置呈批表: the clue, the findings, the proposed disposal, blank boxes for the
                        handler's, the department head's and the leader's signed opinions

The placeholders are docxtpl's (Jinja2 inside the document; `{%tr %}` repeats a table row); the
values come from admin/case_documents.py. 宋体 as the East Asian font, as official forms use;
LibreOffice substitutes an installed CJK font (Noto CJK / WenQuanYi).
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

HERE = Path(__file__).parent


def _document(title: str) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.0)
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(title)
    run.bold = True
    run.font.size = Pt(18)
    sub = doc.add_paragraph("{{ commission }}")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return doc


def _facts(doc: Document, rows: list[tuple[str, str, str, str] | tuple[str, str]]) -> Table:
    """A grid of label/value cells; a two-item row spans the value over the other three columns."""
    table = doc.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        if len(row) == 2:
            cells[0].text = row[0]
            merged = cells[1].merge(cells[3])
            merged.text = row[1]
        else:
            for cell, text in zip(cells, row):
                cell.text = text
        for i in (0, 2) if len(row) == 4 else (0,):
            for run in cells[i].paragraphs[0].runs:
                run.bold = True
    _widths(table, (Cm(3.0), Cm(5.3), Cm(3.0), Cm(5.3)))
    return table


def _widths(table: Table, widths: tuple[Cm, ...]) -> None:
    """Word reads a cell's width, LibreOffice the grid's: set both."""
    table.autofit = False
    for col, width in zip(table.columns, widths):
        col.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _timeline(doc: Document) -> None:
    doc.add_paragraph().add_run("办理过程").bold = True
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("时间", "事项", "经办", "说明")):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr for e in events %}"
    for cell, text in zip(table.rows[2].cells, ("{{ e.at }}", "{{ e.name }}", "{{ e.actor }}", "{{ e.reason }}")):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    _widths(table, (Cm(3.4), Cm(2.8), Cm(2.6), Cm(7.8)))


def _footer(doc: Document) -> None:
    doc.add_paragraph("{{ identity_note }}")
    doc.add_paragraph("导出：{{ exported_by }}　{{ exported_at }}（已记入审计日志）")


def registration() -> Document:
    doc = _document("信访举报登记表")
    _facts(doc, [
        ("编号", "{{ number }}", "登记时间", "{{ filed_at }}"),
        ("来源渠道", "{{ channel }}", "其他平台编号", "{{ platform_ref }}"),
        ("反映人", "{{ reporter_name }}", "联系电话", "{{ reporter_phone }}"),
        ("反映方式", "{{ reporting }}", "被反映人层级", "{{ level }}"),
        ("所在地", "{{ place }}"),
        ("问题类别", "{{ category }}", "当前状态", "{{ status }}"),
        ("反映内容", "{{ text }}"),
        ("分流情况", "{{ route_reason }}"),
        ("承办单位", "{{ office }}", "办理期限", "{{ deadlines }}"),
        ("附件", "{{ attachments }}"),
        ("关联案件", "{{ linked }}"),
    ])
    _timeline(doc)
    doc.add_paragraph("登记人（签名）：　　　　　　　　　　日期：")
    _footer(doc)
    return doc


def disposal() -> Document:
    doc = _document("问题线索处置呈批表")
    _facts(doc, [
        ("线索编号", "{{ number }}", "受理时间", "{{ filed_at }}"),
        ("线索来源", "{{ channel }}", "反映人", "{{ reporter_name }}"),
        ("被反映人层级", "{{ level }}", "所在地", "{{ place }}"),
        ("问题类别", "{{ category }}", "承办单位", "{{ office }}"),
        ("主要问题", "{{ text }}"),
        ("核查情况", "{{ findings }}"),
        ("拟处置意见", "{{ disposition }}"),
        ("办理结果", "{{ result }}"),
        ("承办人意见", "\n\n签名：　　　　　　日期："),
        ("部门负责人意见", "\n\n签名：　　　　　　日期："),
        ("分管领导批示", "\n\n签名：　　　　　　日期："),
    ])
    _timeline(doc)
    _footer(doc)
    return doc


def main() -> None:
    for name, build in (("registration", registration), ("disposal", disposal)):
        path = HERE / f"{name}.docx"
        build().save(str(path))
        print(path)


if __name__ == "__main__":
    main()
