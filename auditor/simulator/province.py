"""The demo province as data: bureaus, their columns and documents, and the planted defects.

Everything is drawn from one ``random.Random(seed)``, so a seed gives the same province byte
for byte. Clean documents are generated to pass every rule; each planted defect is recorded
in the ground truth as (bureau, rule ID, subject) so the end-to-end test can score the audit.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from auditor.normalize import org_code_check_digit, usci_check_digit
from auditor.workdays import add_working_days, is_workday

AUDIT_DATE = dt.date(2026, 11, 29)
PROVINCE = "安徽省"
CITY = ("宣城市", "341800")
COUNTIES = (("宣州区", "341802"), ("郎溪县", "341821"), ("泾县", "341823"), ("绩溪县", "341824"))
# the CMS family of each site: Anhui 集约化, TRS (GBK), EmpireCMS, Hanweb (XML record groups),
# TRS "动静结合" (JSON search API behind a static first page)
FAMILIES = {"xc-zrzy": "anhui", "xc-czj": "anhui", "xz-zrzy": "trs", "xz-czj": "trs",
            "lx-zrzy": "empirecms", "lx-czj": "empirecms", "jx-zrzy": "anhui", "jx-czj": "trs",
            "jxi-zrzy": "hanweb", "jxi-czj": "trs_dynamic"}

# (slug, column name, documents, kind); kind drives titles and rules
NR_COLUMNS = [
    ("jgzn", "机构职能", 3, "org"),
    ("zcwj", "政策文件", 28, "policy"),
    ("gfxwj", "规范性文件", 8, "norm"),
    ("zcjd", "政策解读", 0, "interpretation"),  # filled with one 解读 per policy
    ("tzgg", "通知公告", 60, "notice"),
    ("tdzs", "土地征收", 30, "land"),
    ("gdjh", "国有建设用地供应", 30, "supply"),
    ("kyq", "矿业权出让", 14, "mining"),
    ("gtkjgh", "国土空间规划", 20, "plan"),
    ("zdjcygk", "重大决策预公开", 0, "blank"),
    ("ndbg", "政府信息公开年度报告", 0, "report"),
    ("gkzn", "政府信息公开指南", 2, "guide"),
]
FIN_COLUMNS = [
    ("jgzn", "机构职能", 3, "org"),
    ("zcwj", "政策文件", 24, "policy"),
    ("gfxwj", "规范性文件", 6, "norm"),
    ("zcjd", "政策解读", 0, "interpretation"),
    ("tzgg", "通知公告", 70, "notice"),
    ("czyjs", "财政预决算", 48, "budget"),
    ("sgjf", "三公经费", 12, "sangong"),
    ("zfcg", "政府采购", 40, "procurement"),
    ("ndbg", "政府信息公开年度报告", 0, "report"),
    ("gkzn", "政府信息公开指南", 2, "guide"),
]
EXTRA_BLANK = [("rsxx", "人事信息"), ("xzxk", "行政许可"), ("xzcf", "行政处罚"), ("jytabl", "建议提案办理")]

TITLE_STEMS = {
    "org": ["{name}机构职能", "{name}内设机构及职责", "{name}领导信息"],
    "policy": ["关于进一步加强{topic}工作的通知", "关于印发{place}{topic}实施方案的通知",
               "关于做好{topic}有关工作的意见", "{place}{topic}管理办法"],
    "norm": ["关于印发{place}{topic}管理规定的通知", "{place}{topic}实施细则"],
    "notice": ["关于开展{topic}专项检查的通知", "{topic}工作提醒", "关于{topic}的公告", "{topic}工作动态"],
    "land": ["{place}{batch}征收土地预公告", "{place}{batch}征地补偿安置公告", "{place}{batch}征收土地公告"],
    "supply": ["{place}国有建设用地使用权挂牌出让公告（{parcel}号宗地）",
               "{place}国有建设用地使用权出让结果公示（{parcel}号宗地）"],
    "mining": ["{place}采矿权挂牌出让公告（{batch}）", "{place}采矿权出让结果公示（{batch}）"],
    "plan": ["{place}{topic}详细规划批前公示", "{place}{topic}详细规划批后公布"],
    "budget": ["{name}{year}年部门预算", "{name}{year}年部门决算", "{name}{year}年单位预算公开"],
    "sangong": ["{name}{year}年“三公”经费预算情况说明", "{name}{year}年“三公”经费决算情况说明"],
    "procurement": ["{topic}采购项目中标公告", "{topic}采购意向公开"],
    "guide": ["{name}政府信息公开指南", "{name}政府信息公开指南（修订）"],
}
TOPICS = ["耕地保护", "自然资源确权登记", "地质灾害防治", "测绘地理信息", "矿产资源管理", "生态修复",
          "不动产登记", "预算绩效管理", "政府债务管理", "国库集中支付", "非税收入管理", "会计监督",
          "国有资产管理", "农村综合改革", "乡村振兴资金", "政务公开", "安全生产", "营商环境"]
AREAS = ["城东片区", "经开区", "高铁新城", "滨湖新区", "工业园区", "北部新城", "双桥街道", "水阳镇"]


@dataclass
class Document:
    id: int
    column: str  # column slug
    title: str
    published: dt.date
    written: dt.date | None
    doc_no: str | None
    index_no: str | None
    publisher: str
    interpretation_of: int | None = None  # a 解读's policy document id
    interpretation: int | None = None  # a policy document's 解读 id
    links_back: bool = True  # a 解读 links back to its policy (False plants a one-way link)
    attachment: str | None = None  # path of an attachment (served unless broken)
    attachment_broken: bool = False
    path: str = ""  # filled by the renderer


@dataclass
class Column:
    slug: str
    name: str
    kind: str
    documents: list[Document] = field(default_factory=list)
    path: str = ""  # first list page, filled by the renderer


@dataclass
class SimBureau:
    id: str
    name: str
    short: str
    region: str
    level: str
    kind: str
    credit_code: str
    family: str  # see FAMILIES
    address: str  # 127.0.0.x
    down: bool = False
    columns: list[Column] = field(default_factory=list)
    index_prefix: str = ""

    def column(self, slug: str) -> Column:
        return next(c for c in self.columns if c.slug == slug)

    @property
    def documents(self) -> list[Document]:
        return [d for c in self.columns for d in c.documents]


@dataclass(frozen=True)
class Defect:
    bureau: str
    rule: str
    subject: str  # a document path, "/" for the site, or a catalogue item name
    note: str


@dataclass
class Province:
    seed: int
    audit_date: dt.date
    bureaus: list[SimBureau]
    defects: list[Defect] = field(default_factory=list)


def _credit_code(rng: random.Random, region: str) -> str:
    org8 = "MB" + "".join(rng.choice("0123456789") for _ in range(6))
    org9 = org8 + (org_code_check_digit(org8) or "0")
    first17 = "11" + region + org9
    return first17 + (usci_check_digit(first17) or "0")


def _workday_on_or_before(day: dt.date) -> dt.date:
    while not is_workday(day):
        day -= dt.timedelta(days=1)
    return day


class _Builder:
    """Draws one bureau's documents; every clean document passes every rule."""

    def __init__(self, rng: random.Random, bureau: SimBureau, audit_date: dt.date):
        self.rng, self.bureau, self.audit_date = rng, bureau, audit_date
        self.next_id = 1000 + rng.randrange(1000) * 10
        self.serials: dict[tuple[int, int], int] = {}
        self.doc_seq = 0

    def doc_id(self) -> int:
        self.next_id += self.rng.randrange(1, 7)
        return self.next_id

    def index_no(self, published: dt.date) -> str | None:
        if self.bureau.family == "empirecms":
            return None
        key = (published.year, published.month if self.bureau.family == "anhui" else 0)
        self.serials[key] = self.serials.get(key, 0) + 1
        serial = self.serials[key]
        if self.bureau.family == "anhui":
            return f"{self.bureau.credit_code}/{published:%Y%m}-{serial:05d}"
        if self.bureau.family == "hanweb":  # Jiangsu style: 组织机构代码/YYYY-NNNNN
            return f"{self.bureau.credit_code[8:17]}/{published.year}-{serial:05d}"
        return f"{self.bureau.index_prefix}-{published.year}-{serial:05d}"

    def doc_no(self, kind: str, year: int) -> str | None:
        if kind in ("policy", "norm"):
            self.doc_seq += 1
            code = {"policy": "发", "norm": "规"}[kind]
            return f"{self.bureau.short}{code}〔{year}〕{self.doc_seq}号"
        return None

    def published(self, start: dt.date, end: dt.date) -> dt.date:
        day = start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))
        return _workday_on_or_before(day)

    def document(self, column: Column, title: str, published: dt.date) -> Document:
        written = None
        if self.bureau.family != "empirecms" and column.kind not in ("report", "guide", "org"):
            # written a few working days before publication: always within 20 working days
            lag = self.rng.randrange(0, 9)
            written = published
            for _ in range(lag):
                written -= dt.timedelta(days=1)
                while not is_workday(written):
                    written -= dt.timedelta(days=1)
        doc = Document(id=self.doc_id(), column=column.slug, title=title, published=published,
                       written=written, doc_no=self.doc_no(column.kind, (written or published).year),
                       index_no=None, publisher=self.bureau.name)
        if self.rng.random() < 0.3 and column.kind not in ("interpretation", "report"):
            doc.attachment = f"att{doc.id}.pdf"
        return doc

    def fill(self, column: Column, count: int) -> None:
        stems = TITLE_STEMS.get(column.kind, ["{topic}工作信息"])
        start = dt.date(2024, 1, 2)
        end = self.audit_date - dt.timedelta(days=2)
        for i in range(count):
            year = self.rng.choice([2024, 2025, 2026])
            title = self.rng.choice(stems).format(
                name=self.bureau.name, topic=self.rng.choice(TOPICS), place=self.bureau.name[:3],
                batch=f"{year}年第{i + 1}批次", parcel=f"{year}G{i + 1:03d}", year=year)
            title = f"{title}（{i + 1}）" if column.kind in ("notice", "procurement") else title
            column.documents.append(self.document(column, title, self.published(start, end)))

    def annual_reports(self, column: Column, years: range, late: int | None = None) -> None:
        for year in years:
            published = _workday_on_or_before(dt.date(year + 1, 1, self.rng.randrange(8, 26)))
            if year == late:
                published = dt.date(year + 1, 2, 16)
            title = f"{self.bureau.name}{year}年政府信息公开工作年度报告"
            column.documents.append(self.document(column, title, published))

    def interpretations(self) -> None:
        target = self.bureau.column("zcjd")
        for slug in ("zcwj", "gfxwj"):
            for policy in self.bureau.column(slug).documents:
                published = min(add_working_days(policy.published, self.rng.randrange(0, 2)),
                                self.audit_date - dt.timedelta(days=1))
                title = f"《{policy.title}》政策解读"
                doc = self.document(target, title, published)
                doc.interpretation_of, policy.interpretation = policy.id, doc.id
                doc.doc_no = None
                target.documents.append(doc)

    def finish(self) -> None:
        for column in self.bureau.columns:
            column.documents.sort(key=lambda d: (d.published, d.id))
            for doc in column.documents:
                doc.index_no = self.index_no(doc.published)
            column.documents.reverse()  # newest first, as sites list them


def build_province(seed: int = 1, audit_date: dt.date = AUDIT_DATE) -> Province:
    """The demo province: one city and four counties, a 自然资源和规划局 and a 财政局 each."""
    rng = random.Random(seed)
    places = [("xc", CITY[0], CITY[1], "city")] + [
        (code, name, region, "county") for code, (name, region) in zip(("xz", "lx", "jx", "jxi"), COUNTIES, strict=True)]
    bureaus: list[SimBureau] = []
    for i, (code, place, region, level) in enumerate(places):
        full_place = place if level == "city" else f"{CITY[0]}{place}" if place == "宣州区" else place
        for j, (suffix, kind, title, short) in enumerate((
                ("zrzy", "natural_resources", "自然资源和规划局", "自然资"),
                ("czj", "finance", "财政局", "财"))):
            family = FAMILIES[f"{code}-{suffix}"]
            bureau = SimBureau(
                id=f"{code}-{suffix}", name=f"{full_place}{title}",
                short=f"{place[0]}{short}", region=region, level=level, kind=kind,
                credit_code=_credit_code(rng, region), family=family,
                address=f"127.0.0.{2 + i * 2 + j}")
            bureau.index_prefix = f"{code[:2].upper()}{i:02d}{j + 1:03d}-{1700 + j * 100}"
            bureaus.append(bureau)
    province = Province(seed=seed, audit_date=audit_date, bureaus=bureaus)
    for bureau in bureaus:
        _populate(rng, bureau, audit_date)
    _plant_defects(province)
    for bureau in bureaus:
        for column in bureau.columns:
            column.documents.sort(key=lambda d: (d.published, d.id), reverse=True)
    return province


def _populate(rng: random.Random, bureau: SimBureau, audit_date: dt.date) -> None:
    builder = _Builder(rng, bureau, audit_date)
    spec = NR_COLUMNS if bureau.kind == "natural_resources" else FIN_COLUMNS
    for slug, name, count, kind in spec:
        column = Column(slug=slug, name=name, kind=kind)
        bureau.columns.append(column)
        if kind == "report":
            builder.annual_reports(column, range(2019, audit_date.year),
                                   late=2025 if bureau.id == "xz-zrzy" else None)
        elif count:
            builder.fill(column, count)
    builder.interpretations()
    builder.finish()


def _plant_defects(province: Province) -> None:
    """Plant one or more cases of every defect the first rule slice checks."""
    by_id = {b.id: b for b in province.bureaus}
    plant = province.defects.append

    # WEB-DOWN-1: one site answers 503 to everything.
    by_id["jx-czj"].down = True
    plant(Defect("jx-czj", "WEB-DOWN-1", "/", "站点全部返回 503"))

    # RPT-1 missing: the 2025 report was never published.
    lx = by_id["lx-czj"].column("ndbg")
    lx.documents = [d for d in lx.documents if "2025年" not in d.title]
    plant(Defect("lx-czj", "RPT-1", "2025年度政府信息公开工作年度报告", "未发布2025年度报告"))
    # RPT-1 late: published 2026-02-16 (see annual_reports).
    plant(Defect("xz-zrzy", "RPT-1", "2025年度政府信息公开工作年度报告", "2026-02-16 发布，晚于1月31日"))

    # META-IDX-2: a malformed 索引号.
    doc = by_id["xc-zrzy"].column("tzgg").documents[5]
    doc.index_no = "XCZR-2025-0012"
    plant(Defect("xc-zrzy", "META-IDX-2", f"doc:{doc.id}", "索引号格式不符"))

    # META-IDX-6: two documents share one 索引号.
    jx = by_id["jx-zrzy"].column("tzgg").documents
    jx[8].index_no = jx[3].index_no
    plant(Defect("jx-zrzy", "META-IDX-6", f"doc:{jx[3].id}", "索引号重复"))
    plant(Defect("jx-zrzy", "META-IDX-6", f"doc:{jx[8].id}", "索引号重复"))

    # META-DOCNO-1: wrong brackets, 第, leading zero.
    for bureau_id, text in (("xz-czj", "宣财发[2025]7号"), ("xc-czj", "宣财发〔2025〕第08号")):
        doc = by_id[bureau_id].column("zcwj").documents[2]
        doc.doc_no = text
        plant(Defect(bureau_id, "META-DOCNO-1", f"doc:{doc.id}", f"文号 {text} 不规范"))

    # META-DATE-1: published before written.
    doc = by_id["xc-czj"].column("tzgg").documents[4]
    doc.written = doc.published + dt.timedelta(days=6)
    plant(Defect("xc-czj", "META-DATE-1", f"doc:{doc.id}", "发布日期早于成文日期"))

    # META-DATE-2: 21 working days across the National Day holiday (late) …
    notices = by_id["xz-zrzy"].column("tzgg").documents
    late, trap = notices[6], notices[7]
    late.written, late.published = dt.date(2026, 9, 25), dt.date(2026, 10, 30)
    plant(Defect("xz-zrzy", "META-DATE-2", f"doc:{late.id}", "成文后21个工作日才发布（跨国庆）"))
    # … and 22 weekdays but only 17 working days: must pass (a weekday-only count would fail).
    trap.written, trap.published = dt.date(2026, 9, 21), dt.date(2026, 10, 21)

    # INT-1: a policy document without any 解读, and one whose 解读 does not link back.
    for bureau_id, slug in (("jx-zrzy", "zcwj"), ("xc-zrzy", "gfxwj")):
        bureau = by_id[bureau_id]
        policy = bureau.column(slug).documents[1]
        interp = next(d for d in bureau.column("zcjd").documents if d.id == policy.interpretation)
        if bureau_id == "jx-zrzy":
            bureau.column("zcjd").documents.remove(interp)
            policy.interpretation = None
            plant(Defect(bureau_id, "INT-1", f"doc:{policy.id}", "政策文件无解读"))
        else:
            interp.links_back = False
            plant(Defect(bureau_id, "INT-1", f"doc:{policy.id}", "解读未链接回政策文件（单向关联）"))

    # WEB-UPD-2: five blank columns on one site (others have one, below the veto threshold).
    lx_nr = by_id["lx-zrzy"]
    for slug, name in EXTRA_BLANK:
        lx_nr.columns.append(Column(slug=slug, name=name, kind="blank"))
    plant(Defect("lx-zrzy", "WEB-UPD-2", "/", "5个空白栏目"))

    # Defects only a crawl of the non-HTML lists can find: a duplicate 索引号 whose second
    # document is listed only in Hanweb's second record group (dataproxy.jsp) …
    hanweb = by_id["jxi-zrzy"].column("tzgg").documents
    hanweb[50].index_no = hanweb[2].index_no
    plant(Defect("jxi-zrzy", "META-IDX-6", f"doc:{hanweb[2].id}", "索引号重复（其一仅见于第二组记录）"))
    plant(Defect("jxi-zrzy", "META-IDX-6", f"doc:{hanweb[50].id}", "索引号重复（其一仅见于第二组记录）"))
    # … and a malformed 文号 on a document listed only by the TRS JSON search API (page 2).
    doc = by_id["jxi-czj"].column("zcwj").documents[14]
    doc.doc_no = "绩财发〔2025〕第3号"
    plant(Defect("jxi-czj", "META-DOCNO-1", f"doc:{doc.id}", "文号含“第”（仅见于检索接口第2页）"))

    # WEB-LNK-1: attachments that answer 404.
    docs = [d for d in by_id["xc-zrzy"].column("gdjh").documents if d.attachment][:2]
    for doc in docs:
        doc.attachment_broken = True
    plant(Defect("xc-zrzy", "WEB-LNK-1", "/", "2个附件链接失效"))
