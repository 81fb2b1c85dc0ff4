"""The assistant's test edition (issue 25): a deterministic summit the evaluation set
(eval_set.yaml) asks about, and the larger one bench/assistant.py times it on.

Edition 2088 runs 2088-11-15 (Monday) to 11-17 at the Wuzhen convention center (its real halls,
made where the database has not got them) and the Wuzhen Grand Theatre; NOW, the moment the
evaluation asks at, is the second day at 10:30 Beijing time. It has four boards, seven host
organizations, thirteen people (one invited only, one only in an unpublished session: both
private), twenty sessions (one unpublished, one dated only by its afternoon), four expo zones with
booths, thirteen approved exhibitors (one without a booth), a pending and a declined one, ten
service points and six help pages. Everyone's contact fields are filled, so a test can look for
them in the answers.

`build_world()` returns a `World`: the edition and `refs`, the evaluation set's names for things
("session:opening", "person:zhang-weiming", "exhibitor:极光芯片有限公司", "hall:通安厅",
"zone:ai-pavilion", "service_point:综合服务台", "page:badge") mapped to (type, id).
`grow(world, sessions=300, exhibitors=700, people=900)` adds generated sessions, exhibitors and
people (in halls, zones and names of their own) up to those totals, for the bench."""
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
YEAR = 2088
DAYS = [date(YEAR, 11, 15), date(YEAR, 11, 16), date(YEAR, 11, 17)]
NOW = datetime(YEAR, 11, 16, 10, 30, tzinfo=BEIJING)
CENTER = ("乌镇互联网国际会展中心", "Wuzhen Internet International Convention and Exhibition Center")
THEATRE = ("乌镇大剧院", "Wuzhen Grand Theatre")
HALLS = [  # name_zh, name_en, room
    ("乌镇厅", "Wuzhen Hall", ""), ("通安厅", "Tong'an Hall", "217"), ("枕水厅", "Zhenshui Hall", "201"),
    ("景行厅", "Jingxing Hall", "210"), ("垄行厅", "Longxing Hall", "208"), ("雨读厅", "Yudu Hall", "203"),
    ("安渡厅", "Andu Hall", "216"), ("慈云厅", "Ciyun Hall", "106"), ("莲池广场", "Lianchi Square", ""), ("网剧场", "Internet Theatre", ""),
]
BOARDS = [
    ("ai", "人工智能板块", "Artificial Intelligence"), ("security", "网络安全板块", "Cybersecurity"),
    ("economy", "数字经济板块", "Digital Economy"), ("frontier", "前沿技术板块", "Frontier Technology"),
]
ORGANIZATIONS = {  # label: (name_zh, name_en, abbreviation)
    "wdi": ("乌镇数字研究院", "Wuzhen Digital Institute", "WDI"),
    "galaxy": ("星河机器人有限公司", "Galaxy Robotics Co., Ltd.", ""),
    "blue-ocean": ("蓝海网络安全集团", "Blue Ocean Cybersecurity Group", ""),
    "qingyuan": ("清源大学", "Qingyuan University", ""),
    "silk-road": ("丝路数字联盟", "Digital Silk Road Alliance", ""),
    "yunqi": ("云栖智能科技有限公司", "Yunqi Intelligent Technology Co., Ltd.", ""),
    "green-pine": ("青松教育基金会", "Green Pine Education Foundation", ""),
    "aurora": ("极光芯片有限公司", "Aurora Chips Ltd.", ""),
    "deep-blue": ("深蓝数据集团", "Deep Blue Data Group", ""),
    "whale": ("鲸鱼翻译科技", "Whale Translation Tech", ""),
    "polaris": ("北辰卫星公司", "Polaris Satellite Company", ""),
    "pinecone": ("松果智能家居", "Pinecone Smart Home", ""),
    "skydome": ("天穹云计算", "Skydome Cloud", ""),
    "joyride": ("悦行出行科技", "Joyride Mobility", ""),
    "golden-ear": ("金穗农业科技", "Golden Ear Agritech", ""),
    "dolphin": ("海豚医疗", "Dolphin Medical", ""),
    "shadow": ("暗影数据公司", "Shadow Data Company", ""),  # pending exhibitor: private
    "grey-wolf": ("灰狼科技", "Grey Wolf Tech", ""),  # declined exhibitor: private
}
PEOPLE = {  # key: (name_zh, name_en)
    "zhang-weiming": ("张伟明", "Zhang Weiming"),
    "li-siyuan": ("李思远", "Li Siyuan"),
    "wang-xiaohong": ("王晓红", "Wang Xiaohong"),
    "chen-jianguo": ("陈建国", "Chen Jianguo"),
    "liu-fang": ("刘芳", "Liu Fang"),
    "zhao-lixin": ("赵立新", "Zhao Lixin"),
    "zhou-ting": ("周婷", "Ting Zhou"),  # English order: "Zhou Ting" is found through the pinyin
    "maria-silva": ("玛丽亚·席尔瓦", "Maria Silva"),
    "john-smith": ("约翰·史密斯", "John Smith"),
    "kenji-tanaka": ("田中健二", "Kenji Tanaka"),
    "huang-haitao": ("黄海涛", ""),  # no English name: "Huang Haitao" is the pinyin
    "sun-mimi": ("孙秘密", "Sun Mimi"),  # invited only: private
    "qian-yin": ("钱隐", "Qian Yin"),  # only in an unpublished session: private
}
D1, D2, D3 = DAYS
# key: (title_zh, title_en, kind, day, start, end or period, hall, board, [(org, role)], [(person, role)])
SESSIONS = [
    ("opening", "开幕式", "Opening Ceremony", "ceremony", D1, "09:00", "10:30", "乌镇厅", None, [], [("zhang-weiming", "remarks"), ("li-siyuan", "remarks")]),
    ("plenary", "全体会议", "Plenary Session", "plenary", D1, "10:45", "12:00", "乌镇厅", None, [], [("wang-xiaohong", "keynote"), ("maria-silva", "keynote")]),
    ("ai-forum", "人工智能赋能产业发展论坛", "AI Empowering Industry Forum", "sub_forum", D1, "14:00", "17:30", "通安厅", "ai",
     [("yunqi", "host"), ("wdi", "co_host")], [("chen-jianguo", "moderator"), ("john-smith", "speech")]),
    ("security-forum", "网络安全国际合作论坛", "International Cybersecurity Cooperation Forum", "sub_forum", D1, "14:00", "17:00", "枕水厅", "security",
     [("blue-ocean", "host")], [("liu-fang", "speech"), ("zhao-lixin", "keynote")]),
    ("welcome-dinner", "欢迎晚宴", "Welcome Dinner", "banquet", D1, "18:30", "20:30", "莲池广场", None, [], []),
    ("main-forum", "数字丝路发展主论坛", "Digital Silk Road Main Forum", "main_forum", D2, "09:00", "12:00", "乌镇厅", "economy",
     [("silk-road", "host")], [("li-siyuan", "keynote"), ("zhou-ting", "moderator"), ("kenji-tanaka", "speech")]),
    ("robot-forum", "机器人与未来生活分论坛", "Robots and Future Life Forum", "sub_forum", D2, "09:30", "12:00", "通安厅", "ai",
     [("galaxy", "host")], [("huang-haitao", "speech"), ("john-smith", "panelist")]),
    ("data-forum", "数据治理分论坛", "Data Governance Forum", "sub_forum", D2, "10:00", "12:00", "景行厅", "economy",
     [("qingyuan", "host")], [("zhao-lixin", "speech"), ("wang-xiaohong", "panelist")]),
    ("secret-prep", "筹备闭门会议", "Preparatory Meeting", "meeting", D2, "10:00", "11:00", "慈云厅", None,
     [("green-pine", "host")], [("qian-yin", "speech")]),  # unpublished
    ("youth-forum", "青年科学家论坛", "Young Scientists Forum", "sub_forum", D2, "14:00", "17:00", "通安厅", "frontier",
     [("qingyuan", "host"), ("green-pine", "co_host")], [("chen-jianguo", "speech"), ("maria-silva", "moderator")]),
    ("chips-forum", "芯片与算力分论坛", "Chips and Computing Power Forum", "sub_forum", D2, "14:30", "17:30", "枕水厅", "frontier",
     [("wdi", "host")], [("zhang-weiming", "keynote"), ("liu-fang", "panelist")]),
    ("cafe-talk", "乌镇咖荟：数字文化", "Wuzhen Café Talk: Digital Culture", "cafe_talk", D2, "15:00", "16:00", "雨读厅", None,
     [("green-pine", "host")], [("zhou-ting", "speech")]),
    ("civility", "网络文明分享会", "Online Civility Sharing Session", "activity", D2, "afternoon", None, "网剧场", None, [], []),
    ("concert", "互联网之光音乐会", "Light of Internet Concert", "performance", D2, "19:30", "21:00", "乌镇大剧院", None, [], []),
    ("edu-forum", "数字教育分论坛", "Digital Education Forum", "sub_forum", D3, "09:00", "12:00", "垄行厅", "economy",
     [("green-pine", "host"), ("qingyuan", "co_host")], [("li-siyuan", "speech"), ("huang-haitao", "moderator")]),
    ("security-closed", "网络安全闭门会", "Cybersecurity Closed-door Meeting", "meeting", D3, "09:00", "11:00", "安渡厅", "security",
     [("blue-ocean", "host")], []),
    ("ai-governance", "人工智能治理分论坛", "AI Governance Forum", "sub_forum", D3, "09:30", "12:00", "通安厅", "ai",
     [("wdi", "host"), ("yunqi", "co_host")], [("wang-xiaohong", "keynote"), ("kenji-tanaka", "panelist")]),
    ("award", "领先科技奖发布活动", "Leading Technology Awards", "award_ceremony", D3, "14:00", "15:30", "乌镇厅", None,
     [], [("zhang-weiming", "award_presenter"), ("maria-silva", "award_presenter")]),
    ("silk-road-trade", "丝路电商合作论坛", "Silk Road E-commerce Forum", "sub_forum", D3, "14:00", "17:00", "慈云厅", "economy",
     [("silk-road", "host")], [("zhao-lixin", "speech")]),
    ("closing", "闭幕式", "Closing Ceremony", "ceremony", D3, "16:00", "17:00", "乌镇厅", None, [], [("li-siyuan", "remarks")]),
]
ZONES = [  # key, name_zh, name_en, booth letter
    ("ai-pavilion", "人工智能馆", "AI Pavilion", "A"), ("digital-pavilion", "数字经济馆", "Digital Economy Pavilion", "B"),
    ("international", "国际馆", "International Pavilion", "D"), ("robotics", "机器人展区", "Robotics Zone", "R"),
]
EXHIBITORS = {  # organization label: booths (codes), status
    "galaxy": (["R01"], "approved"), "blue-ocean": (["B01"], "approved"), "yunqi": (["A01", "A02"], "approved"),
    "aurora": (["A03"], "approved"), "deep-blue": (["B02"], "approved"), "whale": (["A04"], "approved"),
    "polaris": (["D01"], "approved"), "pinecone": (["B03"], "approved"), "skydome": (["A05"], "approved"),
    "joyride": (["D02"], "approved"), "golden-ear": (["B04"], "approved"), "dolphin": ([], "approved"),
    "wdi": (["A06"], "approved"), "shadow": ([], "pending"), "grey-wolf": ([], "declined"),
}
POINTS = [  # kind, name_zh, name_en, hours_zh, hours_en, note_zh, note_en
    ("information", "综合服务台", "Information Desk", "每天 08:00–18:00", "Daily 08:00–18:00", "会展中心一层东门入口处", "Ground floor, by the east entrance"),
    ("medical", "医务室", "Medical Point", "会期全天", "All day during the summit", "二层 B 区电梯旁", "First floor, zone B, by the lifts"),
    ("restroom", "东侧洗手间", "East Restrooms", "", "", "一层东门内侧", "Inside the east gate"),
    ("restroom", "西侧洗手间", "West Restrooms", "", "", "一层西门内侧", "Inside the west gate"),
    ("shuttle_stop", "班车站", "Shuttle Stop", "每天 07:00–22:00", "Daily 07:00–22:00", "北广场", "North square"),
    ("charging", "充电站", "Charging Station", "每天 08:00–18:00", "Daily 08:00–18:00", "一层休息区", "Ground floor lounge"),
    ("prayer_room", "祈祷室", "Prayer Room", "每天 08:00–20:00", "Daily 08:00–20:00", "二层 A 区", "First floor, zone A"),
    ("media_centre", "新闻中心", "Media Centre", "每天 07:30–22:00", "Daily 07:30–22:00", "凭媒体证件进入", "With a media badge"),
    ("lost_and_found", "失物招领处", "Lost and Found", "每天 08:00–18:00", "Daily 08:00–18:00", "综合服务台旁", "Next to the information desk"),
    ("accessible_entrance", "无障碍入口", "Accessible Entrance", "", "", "南门，有坡道", "South gate, with a ramp"),
]
HELP = [  # key, title_zh, title_en, body_zh, body_en, keywords
    ("badge", "参会证件领取", "Getting your badge", "凭注册确认邮件中的二维码和本人证件，到综合服务台领取参会证件。",
     "Show the QR code from your registration email and your ID at the information desk to collect your badge.", "证件, 胸卡, 参会证, badge, credential"),
    ("visa-letter", "签证邀请函", "Visa invitation letter", "注册获批后，可在个人页面申请签证邀请函，组委会审核后发送。",
     "Once your registration is approved, ask for a visa invitation letter on your own page; the organizers check it and send it.", "签证, 邀请函, visa"),
    ("pickup", "接机接站", "Airport and station pickup", "请在个人页面填写航班或车次，组委会安排接机接站。",
     "Give your flight or train on your own page; the organizers arrange the pickup.", "接机, 接站, pickup, airport"),
    ("hotel", "住宿安排", "Hotels", "您的酒店信息显示在个人页面上。", "Your hotel is shown on your own page.", "酒店, 住宿, hotel"),
    ("meals", "用餐安排", "Meals", "会期午餐在会展中心餐厅，凭证件用餐。", "Lunch is served at the convention center's restaurant, with your badge.", "用餐, 午餐, 午饭, 吃饭, meals, lunch"),
    ("wifi", "无线网络", "Wi-Fi", "无线网络名称和密码印在证件背面。", "The Wi-Fi name and password are printed on the back of your badge.", "wifi, 无线网, 上网"),
]


@dataclass
class World:
    edition: object
    refs: dict = field(default_factory=dict)

    def ref(self, name: str) -> tuple:
        return self.refs[name]


def _at(day: date, clock: str) -> datetime:
    hour, minute = clock.split(":")
    return datetime.combine(day, time(int(hour), int(minute)), tzinfo=BEIJING)


def build_world(year: int = YEAR) -> World:
    from agenda.models import Board, Hall, Session, SessionOrganization, Venue
    from companion.models import HelpPage, PlanShape, ServicePoint
    from expo.models import Booth, BoothAllotment, Exhibitor, Zone
    from people.models import Appearance, Person
    from wic.models import Edition, Organization

    center, _ = Venue.objects.get_or_create(name_zh=CENTER[0], defaults={"name_en": CENTER[1], "kind": "convention_center"})
    theatre, _ = Venue.objects.get_or_create(name_zh=THEATRE[0], defaults={"name_en": THEATRE[1], "kind": "theatre"})
    edition = Edition.objects.create(
        year=year, name_zh=f"{year}年测试峰会", name_en=f"Test Summit {year}", start_date=DAYS[0], end_date=DAYS[-1], main_venue=center
    )
    world = World(edition)
    halls = {}
    for order, (name_zh, name_en, room) in enumerate(HALLS):
        halls[name_zh], _ = Hall.objects.get_or_create(venue=center, name_zh=name_zh, defaults={"name_en": name_en, "room": room, "sort_order": order})
    halls[THEATRE[0]], _ = Hall.objects.get_or_create(venue=theatre, name_zh=THEATRE[0], defaults={"name_en": THEATRE[1]})
    for name, hall in halls.items():
        world.refs[f"hall:{name}"] = ("hall", hall.pk)
    boards = {}
    for number, (key, name_zh, name_en) in enumerate(BOARDS, start=1):
        boards[key] = Board.objects.create(edition=edition, key=key, number=number, name_zh=name_zh, name_en=name_en)
    orgs = {}
    for label, (name_zh, name_en, abbreviation) in ORGANIZATIONS.items():
        orgs[label], _ = Organization.objects.get_or_create(name_zh=name_zh, defaults={"name_en": name_en, "abbreviation": abbreviation, "kind": "enterprise"})
    people = {}
    for key, (name_zh, name_en) in PEOPLE.items():
        people[key], _ = Person.objects.get_or_create(
            key=f"eval-{key}",
            defaults={"name_zh": name_zh, "name_en": name_en, "email": f"{key}@private.example.org", "phone": "+86 138 0000 0000", "assistant": f"Assistant of {key}"},
        )
        world.refs[f"person:{key}"] = ("person", people[key].pk)
    for order, (key, title_zh, title_en, kind, day, start, end, hall, board, hosts, speakers) in enumerate(SESSIONS):
        fields = {"period": start} if end is None else {"start": _at(day, start), "end": _at(day, end)}
        session = Session.objects.create(
            edition=edition, key=key, title_zh=title_zh, title_en=title_en, kind=kind, date=day, hall=halls[hall],
            board=boards.get(board), is_published=key != "secret-prep", closed_door=key == "security-closed", **fields,
        )
        world.refs[f"session:{key}"] = ("session", session.pk)
        for n, (org, role) in enumerate(hosts):
            SessionOrganization.objects.create(session=session, organization=orgs[org], role=role, sort_order=n)
        for n, (person, role) in enumerate(speakers):
            Appearance.objects.create(person=people[person], session=session, role=role, status="confirmed", sort_order=n)
        if key == "main-forum":
            Appearance.objects.create(person=people["sun-mimi"], session=session, role="speech", status="invited", sort_order=9)
    zones, booths = {}, {}
    for order, (key, name_zh, name_en, letter) in enumerate(ZONES):
        zones[key] = Zone.objects.create(edition=edition, key=key, name_zh=name_zh, name_en=name_en, sort_order=order)
        world.refs[f"zone:{key}"] = ("zone", zones[key].pk)
        for n in range(1, 9):
            code = f"{letter}{n:02d}"
            booths[code] = Booth.objects.create(edition=edition, zone=zones[key], code=code, area=Decimal("18.0"), sort_order=n)
    PlanShape.objects.create(venue=center, zone=zones["ai-pavilion"], x=600, y=600, width=200, height=150)
    for label, (codes, status) in EXHIBITORS.items():
        exhibitor = Exhibitor.objects.create(
            edition=edition, organization=orgs[label], status=status, contact_name=f"Contact {label}",
            contact_email=f"{label}@private.example.org", contact_phone="+86 139 0000 0000",
        )
        world.refs[f"exhibitor:{orgs[label].name_zh}"] = ("exhibitor", exhibitor.pk)
        for code in codes:
            BoothAllotment.objects.create(booth=booths[code], exhibitor=exhibitor)
    for n, (kind, name_zh, name_en, hours_zh, hours_en, note_zh, note_en) in enumerate(POINTS):
        point = ServicePoint.objects.create(
            edition=edition, venue=center, kind=kind, name_zh=name_zh, name_en=name_en, hours_zh=hours_zh, hours_en=hours_en,
            note_zh=note_zh, note_en=note_en, x=50 + 80 * n, y=40,
        )
        world.refs[f"service_point:{name_zh}"] = ("service_point", point.pk)
    for key, title_zh, title_en, body_zh, body_en, keywords in HELP:
        page = HelpPage.objects.create(edition=edition, key=key, title_zh=title_zh, title_en=title_en, body_zh=body_zh, body_en=body_en, keywords=keywords)
        world.refs[f"page:{key}"] = ("page", page.pk)
    return world


# -- the bench's larger edition ---------------------------------------------------------------------

SURNAMES = "赵钱孙李周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建林志宏晓东海波文斌宁浩凯佳慧琳雪梅颖晨阳"
PLACES = ["杭州", "上海", "北京", "深圳", "嘉兴", "桐乡", "南京", "苏州", "宁波", "成都", "武汉", "西安", "广州", "厦门", "合肥", "天津"]
WORDS = ["智联", "云图", "数智", "星链", "光年", "远景", "博识", "长风", "清流", "鸿途", "启明", "新程", "锐思", "同创", "汇通", "格物", "致远", "立方", "量子", "万象"]
SUFFIXES = ("科技有限公司", "信息技术有限公司", "网络科技公司", "智能科技", "数据服务公司")
TOPICS = ["数字治理", "数据安全", "智慧城市", "工业互联网", "数字医疗", "跨境电商", "算力网络", "开源生态", "数字乡村", "网络文明", "量子计算", "卫星互联网", "数字金融", "元宇宙", "智能网联汽车"]


def grow(world: World, *, sessions: int = 300, exhibitors: int = 700, people: int = 900, seed: int = 25) -> dict:
    """Add generated records to the world's edition up to these totals (bulk inserts; the
    agenda's and the assistant's versions are bumped once at the end). Returns the counts."""
    from agenda import cache as agenda_cache
    from agenda.models import Hall, Session, Venue
    from companion.assistant.index import bump
    from expo.models import Booth, BoothAllotment, Exhibitor, Zone
    from people.models import Appearance, Person
    from wic.models import Organization

    rng = random.Random(seed)
    edition = world.edition
    known_people = {name for name, _en in PEOPLE.values()}
    venue, _ = Venue.objects.get_or_create(name_zh="测试分会场中心", defaults={"name_en": "Test Side Venue", "kind": "convention_center"})
    halls = [Hall.objects.get_or_create(venue=venue, name_zh=f"第{n}会议室", defaults={"name_en": f"Meeting Room {n}", "sort_order": n})[0] for n in range(1, 21)]
    have = Session.objects.filter(edition=edition, is_published=True).count()
    new_sessions = []
    for i in range(have, sessions):
        day = DAYS[i % 3]
        start = _at(day, f"{9 + (i // 3) % 8}:15")
        topic = TOPICS[i % len(TOPICS)]
        new_sessions.append(Session(
            edition=edition, key=f"grown-{i}", title_zh=f"{topic}专题研讨会（第{i}场）", title_en=f"Workshop {i}: {topic}", kind="sub_forum",
            date=day, start=start, end=start + timedelta(hours=2), hall=halls[i % len(halls)], sort_key=start,
        ))
    Session.objects.bulk_create(new_sessions)
    grown_sessions = list(Session.objects.filter(edition=edition, key__startswith="grown-"))
    have_people = Person.objects.filter(appearances__session__edition=edition, appearances__session__is_published=True, appearances__status="confirmed").distinct().count()
    names, new_people = set(), []
    while len(new_people) < people - have_people:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name in known_people or name in names:
            continue
        names.add(name)
        new_people.append(Person(name_zh=name, email=f"p{len(new_people)}@private.example.org", phone="+86 137 0000 0000", sort_name=name, search_text=name))
    Person.objects.bulk_create(new_people)
    made = list(Person.objects.filter(name_zh__in=names))
    Appearance.objects.bulk_create(
        [Appearance(person=p, session=grown_sessions[n % len(grown_sessions)], role="speech", status="confirmed") for n, p in enumerate(made)]
    ) if grown_sessions else None
    zone = Zone.objects.create(edition=edition, key="grown-hall", name_zh="综合展区", name_en="General Exhibition Zone", sort_order=9)
    have_exhibitors = Exhibitor.objects.filter(edition=edition, status="approved").count()
    org_names, orgs = set(), []
    known_orgs = {name for name, _en, _abbr in ORGANIZATIONS.values()}
    while len(orgs) < exhibitors - have_exhibitors:
        name = rng.choice(PLACES) + rng.choice(WORDS) + rng.choice(WORDS) + rng.choice(SUFFIXES)
        if name in org_names or name in known_orgs:
            continue
        org_names.add(name)
        orgs.append(Organization(name_zh=name, name_en=f"Exhibitor {len(orgs):04d} Co., Ltd.", kind="enterprise"))
    Organization.objects.bulk_create(orgs)
    orgs = list(Organization.objects.filter(name_zh__in=org_names))
    new_exhibitors = Exhibitor.objects.bulk_create([Exhibitor(edition=edition, organization=o, status="approved", contact_email="x@private.example.org") for o in orgs])
    booths = Booth.objects.bulk_create([Booth(edition=edition, zone=zone, code=f"G{n:04d}", area=Decimal("9.0"), sort_order=n) for n in range(len(new_exhibitors))])
    BoothAllotment.objects.bulk_create([BoothAllotment(booth=b, exhibitor=e) for b, e in zip(booths, new_exhibitors)])
    agenda_cache.bump_edition(edition.year)
    bump(edition.pk)
    return {
        "sessions": Session.objects.filter(edition=edition, is_published=True).count(),
        "exhibitors": Exhibitor.objects.filter(edition=edition, status="approved").count(),
        "people": Person.objects.filter(appearances__session__edition=edition, appearances__session__is_published=True, appearances__status="confirmed").distinct().count(),
    }
