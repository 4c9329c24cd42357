"""Write the demo province to disk: one folder of static pages per bureau site, the ground truth
and a manifest the server reads.

Five CMS families, modelled on the real pages in ``shared/corpus`` and the platforms described
in ``research-notes.md``: the Anhui 集约化 platform (``/OpennessContent/show/<id>.html``,
``table.table_suoyin``), TRS served as GBK (``createPageHTML`` pagination,
``索&ensp;引&ensp;号：`` labels), EmpireCMS with no metadata table (date and source inline, 文号
only in the body), Hanweb (records embedded as XML, later groups from ``dataproxy.jsp``) and
TRS "动静结合" (a static first page, later pages from a JSON search API). Dynamic endpoints are
written as ``path@query`` files (see ``server.query_file``).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from auditor.simulator.province import Column, Document, Province, SimBureau
from auditor.simulator.server import query_file

PAGE_SIZE = {"anhui": 15, "trs": 20, "empirecms": 25, "hanweb": 15, "trs_dynamic": 10}
CHARSET = {"anhui": "utf-8", "trs": "gb2312", "empirecms": "utf-8", "hanweb": "utf-8", "trs_dynamic": "utf-8"}
HOME = {"anhui": "/index.html", "trs": "/index.htm", "empirecms": "/index.html", "hanweb": "/index.html",
        "trs_dynamic": "/index.html"}
TEMPLATE_FAMILY = {"trs_dynamic": "trs"}  # families whose home and detail pages are another's
HANWEB_GROUP_SIZE = 3  # pages of records per dataproxy.jsp group
HANWEB_PROXY = "/module/web/jpage/dataproxy.jsp"
TRS_SEARCH = "/fjdzapp/search"
SUBJECT = {"natural_resources": "自然资源、规划", "finance": "财政、金融、审计"}
FILLER = [
    "为深入贯彻落实《中华人民共和国政府信息公开条例》，进一步推进政务公开标准化规范化建设，结合工作实际，现将有关事项通知如下。",
    "各单位要高度重视，明确责任分工，细化工作措施，确保各项任务按时保质完成。",
    "本通知自发布之日起施行。执行中如遇问题，请及时向我局反映。",
    "联系人及电话：办公室，0563-2022000。",
]
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # a "scan": no text


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing ``lines`` in the standard CJK font STSong-Light (not embedded,
    UniGB-UCS2-H encoding), as budget and account attachments are: text a reader can extract."""
    ops = ["BT", "/F1 11 Tf", "16 TL", "50 780 Td"]
    ops += [f"<{line.encode('utf-16-be').hex().upper()}> Tj T*" for line in lines]
    stream = "\n".join([*ops, "ET"]).encode("ascii")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type0/BaseFont/STSong-Light/Encoding/UniGB-UCS2-H/DescendantFonts[6 0 R]>>",
        b"<</Type/Font/Subtype/CIDFontType0/BaseFont/STSong-Light"
        b"/CIDSystemInfo<</Registry(Adobe)/Ordering(GB1)/Supplement 4>>/FontDescriptor 7 0 R>>",
        b"<</Type/FontDescriptor/FontName/STSong-Light/Flags 6/FontBBox[-25 -254 1000 880]/ItalicAngle 0"
        b"/Ascent 880/Descent -120/CapHeight 880/StemV 93>>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _env() -> Environment:
    return Environment(loader=PackageLoader("auditor.simulator", "templates"),
                       autoescape=select_autoescape(["html"]), keep_trailing_newline=True)


def _spaced(doc_no: str) -> str:
    """How EmpireCMS bodies show a 文号: ``柘政〔 2018 〕 16 号``."""
    return doc_no.replace("〔", "〔 ").replace("〕", " 〕 ").replace("号", " 号")


class _Site:
    """Paths and pages of one bureau's site."""

    def __init__(self, bureau: SimBureau, env: Environment, rng: random.Random):
        self.bureau, self.env, self.rng = bureau, env, rng
        self.family = bureau.family
        self.org = 2650000 + int(bureau.region[-3:]) * 10 + (bureau.kind == "finance")
        self.files: dict[str, bytes] = {}
        self.docs: dict[int, Document] = {d.id: d for d in bureau.documents}
        # each column's CMS id (catId, columnid, channelid): one number per column, used everywhere
        self.column_ids = {column.slug: 4000 + n for n, column in enumerate(bureau.columns)}
        for column in bureau.columns:
            column.path = self.list_path(column, 1)
            for doc in column.documents:
                doc.path = self.detail_path(column, doc)

    # ----------------------------------------------------------- URL scheme per family
    def list_path(self, column: Column, page: int) -> str:
        if self.family == "anhui":
            return f"/OpennessContent/showList/{self.org}/{self.column_ids[column.slug]}/page_{page}.html"
        if self.family == "hanweb":
            return f"/col/col{self.column_ids[column.slug]}/index.html"
        if self.family == "trs_dynamic":
            return f"/col/{column.slug}/index.html"
        if self.family == "trs":
            return f"/col/{column.slug}/index.htm" if page == 1 else f"/col/{column.slug}/index_{page - 1}.htm"
        return f"/xxgk/{column.slug}/index.html" if page == 1 else f"/xxgk/{column.slug}/index_{page}.html"

    def detail_path(self, column: Column, doc: Document) -> str:
        day = doc.published
        if self.family == "anhui":
            return f"/OpennessContent/show/{doc.id}.html"
        if self.family == "hanweb":
            return f"/art/{day.year}/{day.month}/{day.day}/art_{self.column_ids[column.slug]}_{doc.id}.html"
        if self.family == "trs_dynamic":
            return f"/col/{column.slug}/{day:%Y%m}/t{day:%Y%m%d}_{doc.id}.html"
        if self.family == "trs":
            return f"/col/{column.slug}/{day:%Y%m}/t{day:%Y%m%d}_{doc.id}.htm"
        return f"/xxgk/{column.slug}/{day.isoformat()}/{doc.id}.html"

    def attachment_path(self, doc: Document) -> str:
        day = doc.published
        if self.family == "anhui":
            return f"/group1/M00/{day:%Y%m}/{doc.attachment}"
        if self.family in ("trs", "trs_dynamic"):
            return f"/col/{doc.column}/{day:%Y%m}/P0{day:%Y%m%d}{doc.id}.pdf"
        if self.family == "hanweb":
            return f"/attach/{day:%Y%m}/{doc.attachment}"
        return f"/d/file/xxgk/{day.isoformat()}/{doc.attachment}"

    # ----------------------------------------------------------- pages
    def render(self, template: str, **context: Any) -> None:
        path = context.pop("path")
        family = self.family if template == "list" else TEMPLATE_FAMILY.get(self.family, self.family)
        name = template if "." in template else f"{family}_{template}.html"
        text = self.env.get_template(name).render(
            bureau=self.bureau, charset=CHARSET[self.family], home=HOME[self.family], **context)
        self.files[path] = text.encode("gbk" if self.family == "trs" else "utf-8", "xmlcharrefreplace")

    def build(self) -> dict[str, bytes]:
        self.render("home", path=HOME[self.family])
        lists = {"hanweb": self.hanweb_lists, "trs_dynamic": self.search_api_lists}.get(self.family, self.html_lists)
        for column in self.bureau.columns:
            lists(column)
            for doc in column.documents:
                self.detail(column, doc)
        return self.files

    def html_lists(self, column: Column) -> None:
        """Static list pages with HTML pagination (Anhui, TRS, EmpireCMS)."""
        size = PAGE_SIZE[self.family]
        pages = max(1, -(-len(column.documents) // size))
        for page in range(1, pages + 1):
            docs = column.documents[(page - 1) * size: page * size]
            self.render("list", path=self.list_path(column, page), column=column, docs=docs,
                        page=page, pages=pages, total=len(column.documents),
                        relative=lambda d, c=column: "./" + d.path.split(f"/col/{c.slug}/", 1)[-1],
                        page_url=lambda k, c=column: self.list_path(c, k))

    def hanweb_lists(self, column: Column) -> None:
        """A column page with the first record group embedded, and dataproxy.jsp groups."""
        per_page, cid = PAGE_SIZE["hanweb"], self.column_ids[column.slug]
        group = per_page * HANWEB_GROUP_SIZE
        params = f"page=1&webid=1&path=/&columnid={cid}&unitid={self.org}&permissiontype=0"
        docs, total = column.documents, len(column.documents)
        self.render("list", path=self.list_path(column, 1), column=column, docs=docs[:group], cid=cid,
                    params=params, per_page=per_page, group_size=HANWEB_GROUP_SIZE, total=total)
        for start in range(group + 1, total + 1, group):
            end = min(start + group - 1, total)
            query = f"startrecord={start}&endrecord={end}&perpage={per_page}&{params}"
            self.render("hanweb_group.xml", path=query_file(HANWEB_PROXY, query),
                        docs=docs[start - 1:end], params=params)

    def search_api_lists(self, column: Column) -> None:
        """A static first page, then JSON pages from the site's search API."""
        per_page, channel = PAGE_SIZE["trs_dynamic"], 1000 + self.column_ids[column.slug]
        docs, total = column.documents, len(column.documents)
        self.render("list", path=self.list_path(column, 1), column=column, docs=docs[:per_page],
                    channel=channel, per_page=per_page)
        for page in range(2, max(2, -(-total // per_page)) + 1):
            rows = [{"doctitle": d.title, "docpuburl": d.path,
                     "docreltime": f"{d.published.isoformat()} 09:{d.id % 60:02d}:00"}
                    for d in docs[(page - 1) * per_page: page * per_page]]
            query = (f"channelid={channel}&classsql=chnlid={channel}&sortfield=-docorderpri,-docreltime"
                     f"&page={page}&prepage={per_page}")
            body = {"code": 0, "data": {"total": total, "page": page, "rows": rows}}
            self.files[query_file(TRS_SEARCH, query)] = json.dumps(body, ensure_ascii=False).encode("utf-8")

    def detail(self, column: Column, doc: Document) -> None:
        paragraphs = self.rng.sample(FILLER, 2)
        interpretation = self.docs.get(doc.interpretation) if doc.interpretation else None
        policy = self.docs.get(doc.interpretation_of) if doc.interpretation_of and doc.links_back else None
        attachment_url = self.attachment_path(doc) if doc.attachment else None
        if attachment_url and not doc.attachment_broken:
            self.files[attachment_url] = text_pdf(doc.attachment_text) if doc.attachment_text else PDF_BYTES
        self.render("detail", path=doc.path, column=column, doc=doc, subject=SUBJECT[self.bureau.kind],
                    paragraphs=paragraphs, interpretation=interpretation, policy=policy,
                    attachment_url=attachment_url,
                    doc_no_spaced=_spaced(doc.doc_no) if doc.doc_no else "")


def write_province(province: Province, out: Path) -> dict[str, Any]:
    """Write every site under ``out/sites/<bureau id>/`` plus ``manifest.json`` and
    ``ground_truth.json``; return the manifest."""
    env = _env()
    rng = random.Random(province.seed * 7919)
    out.mkdir(parents=True, exist_ok=True)
    bureaus = []
    doc_paths: dict[tuple[str, str], str] = {}
    for bureau in province.bureaus:
        site = _Site(bureau, env, rng)
        files = site.build()
        root = out / "sites" / bureau.id
        for path, data in files.items():
            target = root / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for doc in bureau.documents:
            doc_paths[(bureau.id, f"doc:{doc.id}")] = doc.path
        for column in bureau.columns:
            doc_paths[(bureau.id, f"col:{column.slug}")] = column.path
        bureaus.append({
            "id": bureau.id, "name": bureau.name, "region": bureau.region, "level": bureau.level,
            "kind": bureau.kind, "credit_code": bureau.credit_code, "family": bureau.family,
            "address": bureau.address, "home": HOME[bureau.family], "down": bureau.down,
            "charset": CHARSET[bureau.family], "documents": len(bureau.documents),
            "columns": len(bureau.columns), "parent": None if bureau.level == "city" else
            next(b.id for b in province.bureaus if b.level == "city" and b.kind == bureau.kind),
        })
    defects = [{"bureau": d.bureau, "rule": d.rule,
                "subject": doc_paths.get((d.bureau, d.subject), d.subject), "note": d.note}
               for d in province.defects]
    manifest = {"province": "安徽省", "seed": province.seed,
                "audit_date": province.audit_date.isoformat(), "bureaus": bureaus}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    truth = {"seed": province.seed, "audit_date": province.audit_date.isoformat(), "defects": defects}
    (out / "ground_truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest
