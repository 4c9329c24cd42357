"""The demo province as data: bureaus, their columns and documents, and the planted defects.

Everything is drawn from one ``random.Random(seed)``, so a seed gives the same province byte
for byte. Clean documents are generated to pass every rule; each planted defect is recorded
in the ground truth as (bureau, rule ID, subject) so the end-to-end test can score the audit.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from auditor.normalize import org_code_check_digit, parse_date, usci_check_digit
from auditor.simulator import content
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
    ("tdzs", "土地征收", 6, "land"),  # counts of chains: 征地批次, 宗地, 矿业权, 规划, 决策
    ("gdjh", "国有建设用地供应", 8, "supply"),
    ("kyq", "矿业权出让", 5, "mining"),
    ("gtkjgh", "国土空间规划", 6, "plan"),
    ("zdjcygk", "重大决策预公开", 3, "decision"),
    ("czyjs", "财政预决算", 0, "budget"),
    ("ndbg", "政府信息公开年度报告", 0, "report"),
    ("gkzn", "政府信息公开指南", 2, "guide"),
]
FIN_COLUMNS = [
    ("jgzn", "机构职能", 3, "org"),
    ("zcwj", "政策文件", 24, "policy"),
    ("gfxwj", "规范性文件", 6, "norm"),
    ("zcjd", "政策解读", 0, "interpretation"),
    ("tzgg", "通知公告", 70, "notice"),
    ("czyjs", "财政预决算", 0, "budget"),
    ("zfcg", "政府采购", 40, "procurement"),
    ("ndbg", "政府信息公开年度报告", 0, "report"),
    ("gkzn", "政府信息公开指南", 2, "guide"),
]
EXTRA_BLANK = [("rsxx", "人事信息"), ("xzxk", "行政许可"), ("xzcf", "行政处罚"), ("jytabl", "建议提案办理"),
               ("gzcy", "公众参与")]
# columns of the neglected site (WEB-UPD-1/4): (slug, name, documents, days since the newest)
NEGLECTED = [("gzdt", "工作动态", 6, 40), ("bmdt", "部门动态", 5, 60), ("tpxw", "图片新闻", 4, 30),
             ("rsrm", "人事任免", 3, 420), ("rsxx", "人事信息", 3, 500), ("ghjh", "规划计划", 3, 400),
             ("ndjh", "年度计划", 3, 450), ("fzgh", "发展规划", 2, 600)]
MESSAGE_SITES = ("xc-zrzy", "xz-zrzy", "lx-czj")

TITLE_STEMS = {
    "org": ["{name}机构职能", "{name}内设机构及职责", "{name}领导信息"],
    "policy": ["关于进一步加强{topic}工作的通知", "关于印发{place}{topic}实施方案的通知",
               "关于做好{topic}有关工作的意见", "{place}{topic}管理办法"],
    "norm": ["关于印发{place}{topic}管理规定的通知", "{place}{topic}实施细则"],
    "notice": ["关于开展{topic}专项检查的通知", "{topic}工作提醒", "关于{topic}的公告", "{topic}工作动态"],
    "procurement": ["{topic}采购项目中标公告", "{topic}采购意向公开"],
    "dynamic": ["{place}{topic}工作动态", "{topic}工作进展"],
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
    attachment_text: list[str] | None = None  # a PDF with these lines; None: a scan without text
    body: list[str] = field(default_factory=list)  # paragraphs the rules read
    validity: str | None = None  # 有效性 shown on policy and norm documents
    hidden: frozenset[str] = frozenset()  # metadata fields the page leaves out
    undated_in_list: bool = False  # listed without a date
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

    def document(self, column: Column, title: str, published: dt.date, body: list[str] | None = None,
                 attachment: bool = False) -> Document:
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
                       index_no=None, publisher=self.bureau.name, body=list(body or []),
                       validity="有效" if column.kind in ("policy", "norm") else None)
        if attachment:  # the text as a PDF too
            doc.attachment, doc.attachment_text = f"att{doc.id}.pdf", list(body or [])
        elif body is None and self.rng.random() < 0.3 and column.kind not in ("interpretation", "report"):
            doc.attachment = f"att{doc.id}.pdf"  # a scan: no text layer
        return doc

    def fill(self, column: Column, count: int, newest_days: int = 0) -> None:
        """``count`` documents, the newest ``newest_days`` (default: under 10) days old."""
        stems = TITLE_STEMS.get(column.kind, ["{topic}工作信息"])
        end = self.audit_date - dt.timedelta(days=newest_days or self.rng.randrange(2, 10))
        start = min(dt.date(2024, 1, 2), end - dt.timedelta(days=60))
        for i in range(count):
            title = self.rng.choice(stems).format(
                name=self.bureau.name, topic=self.rng.choice(TOPICS), place=self.bureau.name[:3])
            title = f"{title}（{i + 1}）" if column.kind in ("notice", "procurement", "dynamic") else title
            published = _workday_on_or_before(end) if i == 0 else self.published(start, end)
            column.documents.append(self.document(column, title, published))

    def annual_reports(self, column: Column, years: range, late: int | None = None) -> None:
        """Reports dated in January (one ``late``); their bodies are written last (``report_bodies``)."""
        for year in years:
            published = _workday_on_or_before(dt.date(year + 1, 1, self.rng.randrange(8, 26)))
            if year == late:
                published = dt.date(year + 1, 2, 16)
            title = f"{self.bureau.name}{year}年政府信息公开工作年度报告"
            column.documents.append(self.document(column, title, published, body=[]))

    def interpretations(self) -> None:
        target = self.bureau.column("zcjd")
        for slug in ("zcwj", "gfxwj"):
            for policy in self.bureau.column(slug).documents:
                published = min(add_working_days(policy.published, self.rng.randrange(0, 2)),
                                self.audit_date - dt.timedelta(days=1))
                title = f"《{policy.title}》政策解读"
                doc = self.document(target, title, published, body=content.interpretation_body(self))
                doc.interpretation_of, policy.interpretation = policy.id, doc.id
                doc.doc_no = None
                target.documents.append(doc)

    def finish(self) -> None:
        for column in self.bureau.columns:
            column.documents.sort(key=lambda d: (d.published, d.id))
            for doc in column.documents:
                doc.index_no = self.index_no(doc.published)
            column.documents.reverse()  # newest first, as sites list them


SCALABLE = ("notice", "policy", "procurement")  # column kinds that grow with ``docs``
EXTRA_FAMILIES = ("anhui", "trs", "empirecms", "hanweb", "trs_dynamic")


def build_province(seed: int = 1, audit_date: dt.date = AUDIT_DATE, *, bureaus: int = 10, docs: int | None = None,
                   hosts: int | None = None) -> Province:
    """The demo province: one city and four counties, a 自然资源和规划局 and a 财政局 each.

    For scale tests, ``bureaus`` above 10 adds clean county bureaus (five CMS families in turn),
    ``docs`` grows every bureau's notice, policy and procurement columns to about that many
    documents, and ``hosts`` puts all sites on that many loopback addresses (a port each), as
    bureaus share a few platform servers: Scrapy's politeness slot is the host name, so sites on
    one address are crawled as one host. The planted defects (ground truth) stay those of the
    first ten bureaus."""
    rng = random.Random(seed)
    places = [("xc", CITY[0], CITY[1], "city")] + [
        (code, name, region, "county") for code, (name, region) in zip(("xz", "lx", "jx", "jxi"), COUNTIES, strict=True)]
    bureaus_list: list[SimBureau] = []
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
            bureaus_list.append(bureau)
    bureaus = bureaus_list + _extra_bureaus(rng, bureaus - len(bureaus_list))
    if hosts:
        for n, bureau in enumerate(bureaus):
            bureau.address = f"127.0.1.{1 + n % hosts}"
    province = Province(seed=seed, audit_date=audit_date, bureaus=bureaus)
    for bureau in bureaus:
        _populate(rng, bureau, audit_date, docs)
    _plant_defects(province)
    _report_bodies(province)
    for bureau in bureaus:
        for column in bureau.columns:
            column.documents.sort(key=lambda d: (d.published, d.id), reverse=True)
    return province


def _extra_bureaus(rng: random.Random, count: int) -> list[SimBureau]:
    """``count`` further county bureaus (模拟N县), in cities of ten counties each."""
    extra = []
    for n in range(max(0, count)):
        county = n // 2
        region = f"34{60 + county // 10:02d}{county % 10 + 1:02d}"
        suffix, kind, title, short = (("zrzy", "natural_resources", "自然资源和规划局", "自然资"),
                                      ("czj", "finance", "财政局", "财"))[n % 2]
        bureau = SimBureau(id=f"m{county + 1}-{suffix}", name=f"模拟{county + 1}县{title}", short=f"模{short}",
                           region=region, level="county", kind=kind, credit_code=_credit_code(rng, region),
                           family=EXTRA_FAMILIES[county % len(EXTRA_FAMILIES)], address=f"127.0.2.{1 + n % 250}")
        bureau.index_prefix = f"M{county + 1:04d}{n % 2 + 1:03d}-{1700 + n % 2 * 100}"
        extra.append(bureau)
    return extra


def _populate(rng: random.Random, bureau: SimBureau, audit_date: dt.date, docs: int | None = None) -> None:
    builder = _Builder(rng, bureau, audit_date)
    spec = NR_COLUMNS if bureau.kind == "natural_resources" else FIN_COLUMNS
    if docs:  # grow the plain columns so the bureau has about ``docs`` documents
        # each policy document brings its 解读, and the content generators add about 40 more
        base = sum(count * (2 if kind == "policy" else 1) for _, _, count, kind in spec) + 40
        grow = sum(count * (2 if kind == "policy" else 1) for _, _, count, kind in spec if kind in SCALABLE)
        factor = max(1.0, 1 + (docs - base) / grow)
        spec = [(slug, name, round(count * factor) if kind in SCALABLE else count, kind)
                for slug, name, count, kind in spec]
    neglected = bureau.id == "xz-czj"  # its news and notices stopped months ago (WEB-UPD-1/4)
    for slug, name, count, kind in spec:
        column = Column(slug=slug, name=name, kind=kind)
        bureau.columns.append(column)
        if kind == "report":
            builder.annual_reports(column, range(2019, audit_date.year),
                                   late=2025 if bureau.id == "xz-zrzy" else None)
        elif kind == "land":
            content.land_batches(builder, column, count)
        elif kind == "supply":
            content.parcels(builder, column, count)
        elif kind == "mining":
            content.mining(builder, column, count)
        elif kind == "plan":
            content.plans(builder, column, count, AREAS)
        elif kind == "decision":
            if bureau.id != "lx-zrzy":  # left blank there: one of its five blank columns
                content.decisions(builder, column, count, TOPICS)
        elif kind == "budget":
            content.budgets(builder, column)
        elif kind == "guide":
            content.guide(builder, column)
        elif count:
            builder.fill(column, count, newest_days=200 if neglected and slug in ("tzgg", "zcwj") else 0)
        if kind == "notice":
            content.norm_list(builder, column, min_days=200 if neglected else 30)
    if neglected:
        for slug, name, count, days in NEGLECTED:
            column = Column(slug=slug, name=name, kind="dynamic")
            bureau.columns.append(column)
            builder.fill(column, count, newest_days=days)
    if bureau.id in MESSAGE_SITES:
        column = Column(slug="zxly", name="咨询留言", kind="message")
        bureau.columns.append(column)
        content.messages(builder, column, TOPICS)
    builder.interpretations()
    builder.finish()


def _report_bodies(province: Province) -> None:
    """Annual reports state how many documents the site published that year: written last, after
    the defects are planted, so that they agree with what a crawl finds."""
    for bureau in province.bureaus:
        docs = bureau.documents
        for doc in bureau.column("ndbg").documents:
            year = int(doc.title.split("年政府信息公开")[0][-4:])
            if doc.body:
                continue  # planted
            published = sum(1 for d in docs if d.published.year == year)
            if (bureau.id, year) == ("jxi-zrzy", 2025):
                published *= 3  # planted RPT-3: the report overstates what the site shows
            norms = sum(1 for d in bureau.column("gfxwj").documents if d.published.year == year)
            doc.body = content.report_body(year, published, norms, random.Random(doc.id))


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
    if jx[8].published.strftime("%Y%m") != jx[3].published.strftime("%Y%m"):  # the copy names another month
        plant(Defect("jx-zrzy", "META-IDX-5", f"doc:{jx[8].id}", "复制来的索引号年月与发布日期不符"))
    plant(Defect("jx-zrzy", "META-IDX-6", f"doc:{jx[3].id}", "索引号重复"))
    plant(Defect("jx-zrzy", "META-IDX-6", f"doc:{jx[8].id}", "索引号重复"))

    # META-DOCNO-1: wrong brackets, 第, leading zero.
    for bureau_id, text in (("xz-czj", "宣财发[{year}]7号"), ("xc-czj", "宣财发〔{year}〕第08号")):
        doc = by_id[bureau_id].column("zcwj").documents[2]
        doc.doc_no = text = text.format(year=doc.written.year)
        plant(Defect(bureau_id, "META-DOCNO-1", f"doc:{doc.id}", f"文号 {text} 不规范"))

    # META-DATE-1: published before written.
    doc = by_id["xc-czj"].column("tzgg").documents[4]
    doc.written = doc.published + dt.timedelta(days=6)
    plant(Defect("xc-czj", "META-DATE-1", f"doc:{doc.id}", "发布日期早于成文日期"))

    # META-DATE-2: 21 working days across the National Day holiday (late) …
    notices = by_id["xz-zrzy"].column("tzgg").documents
    late, trap = notices[6], notices[7]
    _redate(by_id["xz-zrzy"], late, dt.date(2026, 10, 30))
    late.written = dt.date(2026, 9, 25)
    plant(Defect("xz-zrzy", "META-DATE-2", f"doc:{late.id}", "成文后21个工作日才发布（跨国庆）"))
    # … and 22 weekdays but only 17 working days: must pass (a weekday-only count would fail).
    _redate(by_id["xz-zrzy"], trap, dt.date(2026, 10, 21))
    trap.written = dt.date(2026, 9, 21)

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
    if hanweb[50].published.year != hanweb[2].published.year:  # the copy names another year
        plant(Defect("jxi-zrzy", "META-IDX-5", f"doc:{hanweb[50].id}", "复制来的索引号年份与发布日期不符"))
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

    _plant_catalogue_defects(province, by_id, plant)


def _chain_docs(column: Column, needle: str) -> list[Document]:
    """A column's documents whose title holds ``needle``, oldest first."""
    return sorted((d for d in column.documents if needle in d.title), key=lambda d: (d.published, d.id))


def _redate(bureau: SimBureau, doc: Document, day: dt.date) -> None:
    """Move a document to ``day`` as its site would: 成文日期 that day too, and its 索引号 re-issued
    for the new date (a high serial, so it stays unique)."""
    old = doc.published
    doc.published, doc.written = day, (day if doc.written else None)
    if doc.index_no:
        stamp_old, stamp_new = ((f"{old:%Y%m}-", f"{day:%Y%m}-") if bureau.family == "anhui"
                                else (f"{old.year}-", f"{day.year}-"))
        head = doc.index_no.rsplit(stamp_old, 1)[0]
        doc.index_no = f"{head}{stamp_new}{90000 + doc.id % 10000:05d}"


def _tail(doc: Document) -> str:
    """A title's closing （…）: the 宗地 or batch that pairs a notice with its result."""
    return doc.title.rsplit("（", 1)[-1]


def _set_period(doc: Document, label: str, start: dt.date, end: dt.date) -> None:
    doc.body = [p for p in doc.body if not p.startswith(label)] + [f"{label}：{content.cn(start)}至{content.cn(end)}。"]


def _plant_catalogue_defects(province: Province, by_id: dict[str, SimBureau], plant) -> None:
    """One or more cases of every rule of the full catalogue beyond the first slice."""
    audit = province.audit_date
    # ---------------------------------------------------------------- metadata
    doc = by_id["xc-zrzy"].column("tzgg").documents[10]
    doc.hidden = frozenset({"subject"})
    plant(Defect("xc-zrzy", "META-REQ-1", "/", "一条信息未显示主题分类"))
    by_id["xc-czj"].column("tzgg").documents[12].index_no = None
    plant(Defect("xc-czj", "META-IDX-1", "/", "一条信息未标注索引号"))
    for bureau_id in ("lx-zrzy", "lx-czj"):  # EmpireCMS pages carry no 索引号 at all
        plant(Defect(bureau_id, "META-IDX-1", "/", "全站信息无索引号"))
    hanweb = by_id["jxi-zrzy"]
    doc = hanweb.column("tzgg").documents[20]
    org = hanweb.credit_code[8:17]
    wrong = org[:8] + ("1" if org[8] != "1" else "2")
    doc.index_no = doc.index_no.replace(org, wrong)
    plant(Defect("jxi-zrzy", "META-IDX-3", f"doc:{doc.id}", "组织机构代码校验位错误"))
    plant(Defect("jxi-zrzy", "META-IDX-4", f"doc:{doc.id}", "索引号前缀不是本单位代码"))
    doc = by_id["xc-zrzy"].column("tzgg").documents[15]
    doc.index_no = doc.index_no.replace(by_id["xc-zrzy"].credit_code, by_id["xc-czj"].credit_code)
    plant(Defect("xc-zrzy", "META-IDX-4", f"doc:{doc.id}", "索引号用了市财政局的代码"))
    doc = by_id["xc-czj"].column("tzgg").documents[20]
    month = doc.published.month % 12 + 1
    doc.index_no = f"{by_id['xc-czj'].credit_code}/{doc.published.year}{month:02d}-09999"
    plant(Defect("xc-czj", "META-IDX-5", f"doc:{doc.id}", "索引号月份与发布日期不符"))
    doc = by_id["xc-zrzy"].column("zcwj").documents[5]
    doc.doc_no = doc.doc_no.replace(f"〔{doc.written.year}〕", f"〔{doc.written.year - 2}〕")
    plant(Defect("xc-zrzy", "META-DOCNO-2", f"doc:{doc.id}", "文号年份与成文日期相差两年"))
    policies = by_id["jx-zrzy"].column("zcwj").documents
    first, second = next((a, b) for a in policies[4:] for b in policies[5:]
                         if a is not b and a.written.year == b.written.year and a.title != b.title)
    second.doc_no = first.doc_no
    for doc in (first, second):
        plant(Defect("jx-zrzy", "META-DOCNO-3", f"doc:{doc.id}", "同一文号用于两件文件"))
    doc = hanweb.column("tzgg").documents[25]
    doc.publisher = "绩溪县自然资源局"
    plant(Defect("jxi-zrzy", "META-PUB-1", f"doc:{doc.id}", "发布机构用了简称"))
    by_id["xz-zrzy"].column("gfxwj").documents[3].validity = None
    plant(Defect("xz-zrzy", "META-VALID-1", "/", "一件规范性文件未标注有效性"))

    # ---------------------------------------------------------------- 土地征收
    land = by_id["xz-zrzy"].column("tdzs")
    pre = _chain_docs(land, "征收土地预公告")[1]
    land.documents.remove(pre)
    key = pre.title[3:].split("征收土地预公告")[0]
    plant(Defect("xz-zrzy", "LAND-1", key, "该批次未发布征收土地预公告"))
    pre = _chain_docs(by_id["lx-zrzy"].column("tdzs"), "征收土地预公告")[0]
    _set_period(pre, "公告期", pre.published, add_working_days(pre.published, 7))
    plant(Defect("lx-zrzy", "LAND-1", f"doc:{pre.id}", "预公告期仅8个工作日"))
    comp = _chain_docs(by_id["jx-zrzy"].column("tdzs"), "征地补偿安置公告")[0]
    comp.body = [p for p in comp.body if not p.startswith("异议")]
    plant(Defect("jx-zrzy", "LAND-2", f"doc:{comp.id}", "未载明异议反馈渠道"))
    land = by_id["xc-zrzy"].column("tdzs")
    approval = _chain_docs(land, "用地批复")[2]
    notice = _chain_docs(land, "征收土地公告")[2]
    approved = parse_date(approval.body[0])
    _redate(by_id["xc-zrzy"], notice, add_working_days(approved, 20))
    plant(Defect("xc-zrzy", "LAND-3", f"doc:{notice.id}", "批复后20个工作日才发布征收土地公告"))
    approval = _chain_docs(by_id["jxi-zrzy"].column("tdzs"), "用地批复")[1]
    _redate(by_id["jxi-zrzy"], approval, add_working_days(parse_date(approval.body[0]), 14))
    plant(Defect("jxi-zrzy", "LAND-4", f"doc:{approval.id}", "批复后14个工作日才公开"))
    price = _chain_docs(by_id["lx-zrzy"].column("tdzs"), "区片综合地价")[0]
    _redate(by_id["lx-zrzy"], price, dt.date(2022, 6, 15))
    plant(Defect("lx-zrzy", "LAND-5", "征地区片综合地价", "区片综合地价2022年公布后未更新"))

    # ---------------------------------------------------------------- 土地供应, 矿业权
    supply = by_id["jx-zrzy"].column("gdjh")
    supply.documents.remove(_chain_docs(supply, "2026年度国有建设用地供应计划")[0])
    plant(Defect("jx-zrzy", "SUP-1", "2026年度国有建设用地供应计划", "未发布本年度供地计划"))
    notice = _chain_docs(by_id["xz-zrzy"].column("gdjh"), "挂牌出让公告")[1]
    closes = notice.published + dt.timedelta(days=34)
    notice.body[1] = f"挂牌时间：{content.cn(notice.published + dt.timedelta(days=12))}至{content.cn(closes)}。"
    notice.attachment_text = list(notice.body)
    plant(Defect("xz-zrzy", "SUP-2", f"doc:{notice.id}", "出让公告仅提前12日"))
    supply = by_id["lx-zrzy"].column("gdjh")
    result = _chain_docs(supply, "出让结果")[2]
    notice = next(d for d in supply.documents if "挂牌出让公告" in d.title and _tail(d) == _tail(result))
    _redate(by_id["lx-zrzy"], result, add_working_days(notice.published + dt.timedelta(days=34), 16))
    plant(Defect("lx-zrzy", "SUP-3", f"doc:{result.id}", "成交后16个工作日才公布结果"))
    supply = by_id["jxi-zrzy"].column("gdjh")
    result = _chain_docs(supply, "出让结果")[3]
    notice = next(d for d in supply.documents if "挂牌出让公告" in d.title and _tail(d) == _tail(result))
    supply.documents.remove(result)
    plant(Defect("jxi-zrzy", "SUP-3", f"doc:{notice.id}", "成交后未公布出让结果"))
    mining = by_id["xc-zrzy"].column("kyq")
    result = _chain_docs(mining, "结果公示")[1]
    notice = next(d for d in mining.documents if "出让公告" in d.title and _tail(d) == _tail(result))
    _redate(by_id["xc-zrzy"], result, add_working_days(notice.published + dt.timedelta(days=40), 9))
    plant(Defect("xc-zrzy", "MIN-1", f"doc:{result.id}", "交易结束后9个工作日才公示结果"))

    # ---------------------------------------------------------------- 规划, 重大决策
    before = _chain_docs(by_id["jx-zrzy"].column("gtkjgh"), "批前公示")[1]
    _set_period(before, "公示期", before.published, before.published + dt.timedelta(days=19))
    plant(Defect("jx-zrzy", "PLAN-1", f"doc:{before.id}", "批前公示仅20日"))
    plans = by_id["lx-zrzy"].column("gtkjgh")
    before = next(d for d in _chain_docs(plans, "批前公示") if (audit - d.published).days > 300)
    plans.documents.remove(next(d for d in plans.documents if d.title == before.title.replace("批前公示", "批后公布")))
    plant(Defect("lx-zrzy", "PLAN-1", f"doc:{before.id}", "批前公示后未批后公布"))
    asked = _chain_docs(by_id["xc-zrzy"].column("zdjcygk"), "征求意见")[0]
    _set_period(asked, "征求意见期", asked.published, asked.published + dt.timedelta(days=19))
    plant(Defect("xc-zrzy", "DEC-1", f"doc:{asked.id}", "征求意见仅20日"))
    decisions = by_id["xz-zrzy"].column("zdjcygk")
    asked = next(d for d in _chain_docs(decisions, "征求意见") if (audit - d.published).days > 200)
    name = asked.title.split("《")[1].split("（")[0]
    decisions.documents.remove(next(d for d in decisions.documents if "采纳情况" in d.title and name in d.title))
    plant(Defect("xz-zrzy", "DEC-1", f"doc:{asked.id}", "征求意见结束后未公布采纳情况"))

    # ---------------------------------------------------------------- 财政
    budgets = by_id["lx-czj"].column("czyjs")
    budgets.documents.remove(_chain_docs(budgets, "2026年部门预算")[0])
    plant(Defect("lx-czj", "FIN-1", "2026年部门预算", "未公开本年度部门预算"))
    _redate(by_id["jxi-czj"], _chain_docs(by_id["jxi-czj"].column("czyjs"), "2025年部门决算")[0], dt.date(2026, 10, 20))
    plant(Defect("jxi-czj", "FIN-2", "2025年部门决算", "2026-10-20 才公开，晚于9月30日"))
    sangong = _chain_docs(by_id["xc-czj"].column("czyjs"), "2025年“三公”")[0]
    sangong.attachment_text = [line.replace("公务用车购置费0万元，公务用车运行费", "公务用车购置及运维费")
                               for line in sangong.attachment_text]
    plant(Defect("xc-czj", "FIN-3", f"doc:{sangong.id}", "未区分公务用车购置费和运行费"))
    _chain_docs(by_id["xc-zrzy"].column("czyjs"), "2024年“三公”")[0].attachment_text = None  # a scan: untestable

    # ---------------------------------------------------------------- 年报, 解读, 目录, 指南
    reports = {b: {int(d.title.split("年政府信息公开")[0][-4:]): d for d in by_id[b].column("ndbg").documents}
               for b in ("xc-zrzy", "lx-zrzy")}
    body = content.report_body(2024, 40, 2, random.Random(1))
    reports["xc-zrzy"][2024].body = [p.replace("(七)总计 ", "(七)总计 3") for p in body]
    plant(Defect("xc-zrzy", "RPT-2", f"doc:{reports['xc-zrzy'][2024].id}", "办理结果总计与收到申请数不符"))
    reports["lx-zrzy"][2023].body = [p for p in content.report_body(2023, 40, 2, random.Random(2))
                                     if not p.startswith(("六、", "本年未收取"))]
    plant(Defect("lx-zrzy", "RPT-2", f"doc:{reports['lx-zrzy'][2023].id}", "缺少第六部分"))
    report_2025 = next(d for d in by_id["jxi-zrzy"].column("ndbg").documents if "2025年" in d.title)
    plant(Defect("jxi-zrzy", "RPT-3", f"doc:{report_2025.id}", "年报主动公开数为网站实际的3倍"))
    lx = by_id["lx-czj"]
    policy = lx.column("zcwj").documents[4]
    interp = next(d for d in lx.column("zcjd").documents if d.id == policy.interpretation)
    _redate(lx, interp, add_working_days(policy.published, 6))
    plant(Defect("lx-czj", "INT-2", f"doc:{policy.id}", "解读晚于文件6个工作日"))
    interp = by_id["xz-czj"].column("zcjd").documents[2]
    interp.body = interp.body[:1]
    plant(Defect("xz-czj", "INT-3", f"doc:{interp.id}", "解读未写解读机关、解读人和联系方式"))
    _redate(lx, _chain_docs(lx.column("tzgg"), "规范性文件目录")[0], dt.date(2025, 6, 10))
    plant(Defect("lx-czj", "NORM-1", "现行有效规范性文件目录", "目录2025-06-10后未更新"))
    for doc, day in zip(_chain_docs(by_id["xc-czj"].column("gkzn"), "指南"), (dt.date(2024, 5, 6), dt.date(2025, 3, 3)), strict=True):
        _redate(by_id["xc-czj"], doc, day)
    plant(Defect("xc-czj", "GUIDE-1", "政府信息公开指南", "指南2025-03-03后未更新"))
    newest = max(by_id["jxi-czj"].column("gkzn").documents, key=lambda d: d.published)
    newest.body = newest.body[:1]
    plant(Defect("jxi-czj", "GUIDE-1", "政府信息公开指南", "指南未写明申请渠道"))

    # ---------------------------------------------------------------- 网站检查
    plant(Defect("xz-czj", "WEB-UPD-1", "/", "3个动态类栏目超过2周、通知公告和政策文件超过6个月未更新"))
    plant(Defect("xz-czj", "WEB-UPD-4", "/", "10个应更新栏目未按期更新"))
    for doc in by_id["xc-czj"].column("zfcg").documents[2:8:2]:
        doc.undated_in_list = True
    plant(Defect("xc-czj", "WEB-UPD-3", "col:zfcg", "3条采购信息未标注日期"))
    messages = by_id["xc-zrzy"].column("zxly").documents
    for doc, days in zip(messages[:3], (150, 40, 500), strict=True):  # late; still in time; outside the year
        _redate(by_id["xc-zrzy"], doc, _workday_on_or_before(audit - dt.timedelta(days=days)))
        doc.body = [f"留言时间：{doc.published.isoformat()}", "办理状态：尚未回复"]
    plant(Defect("xc-zrzy", "WEB-INT-1", f"doc:{messages[0].id}", "留言150天未答复"))
    doc = by_id["xz-zrzy"].column("zxly").documents[1]
    _redate(by_id["xz-zrzy"], doc, _workday_on_or_before(audit - dt.timedelta(days=200)))
    doc.body = [f"留言时间：{doc.published.isoformat()}", f"回复时间：{(doc.published + dt.timedelta(days=120)).isoformat()}",
                "回复内容：已办理。"]
    plant(Defect("xz-zrzy", "WEB-INT-1", f"doc:{doc.id}", "留言120天后才答复"))
