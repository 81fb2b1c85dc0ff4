"""The demo's help pages (`seed --demo`, contributed in companion/contrib_assistant.py): how to
get a badge, a visa invitation letter, a pickup, a hotel room, meals and Wi-Fi at the demo
edition, in both languages, each marked as demo text ("（演示）" / "(demo)"): they describe how the
app's own guest services work, not the real summit's arrangements.

Idempotent: a key the edition already has a page for is left alone (an organizer's changes stay)."""
from ..models import HelpPage

# key: (title_zh, title_en, body_zh, body_en, keywords)
PAGES = {
    "badge": (
        "参会证件领取（演示）", "Getting your badge (demo)",
        "注册获批后，您会收到一封含有个人页面链接的邮件，页面上有您的参会证件二维码。抵达会场后，请到综合服务台出示二维码和本人证件领取实体证件。（演示文字）",
        ("Once your registration is approved, you receive an email with the link to your own page, which shows your badge's QR code. "
         "At the venue, show the QR code and your ID at the information desk to collect the printed badge. (Demo text.)"),
        "证件, 胸卡, 参会证, badge, credential, pass",
    ),
    "visa-letter": (
        "签证邀请函（演示）", "Visa invitation letter (demo)",
        "需要签证的嘉宾可在注册获批后，在个人页面申请签证邀请函：填写护照信息和停留日期，组委会审核后发送邀请函 PDF。（演示文字）",
        ("Guests who need a visa ask for an invitation letter on their own page once their registration is approved: "
         "give the passport data and the dates of the stay; the organizers check it and send the letter as a PDF. (Demo text.)"),
        "签证, 邀请函, visa, invitation letter",
    ),
    "pickup": (
        "接机接站（演示）", "Airport and station pickup (demo)",
        "请在个人页面填写抵达航班或车次。组委会安排从杭州萧山国际机场、上海虹桥国际机场和虹桥站、桐乡站、嘉兴南站接站，出发前一天会告知车辆和上车时间。（演示文字）",
        ("Give your arriving flight or train on your own page. The organizers pick guests up at Hangzhou Xiaoshan International Airport, "
         "Shanghai Hongqiao Airport and Station, Tongxiang Station and Jiaxing South Station, and tell you the vehicle and time the day before. (Demo text.)"),
        "接机, 接站, 接送, pickup, airport, station",
    ),
    "hotel": (
        "住宿安排（演示）", "Hotels (demo)",
        "组委会安排的酒店会显示在您的个人页面上，入住时请出示证件。酒店与会场之间有接驳车。（演示文字）",
        "The hotel the organizers booked for you is on your own page; show your ID when you check in. Shuttles run between the hotels and the venue. (Demo text.)",
        "酒店, 住宿, hotel, accommodation",
    ),
    "meals": (
        "用餐安排（演示）", "Meals (demo)",
        "会期午餐在会展中心自助餐厅，凭参会证件用餐。注册时填写的饮食需求会告知厨房。（演示文字）",
        "Lunch during the summit is served at the convention center's buffet, with your badge. The dietary needs you gave when registering are passed to the kitchen. (Demo text.)",
        "用餐, 午餐, 吃饭, meals, lunch, food",
    ),
    "wifi": (
        "无线网络（演示）", "Wi-Fi (demo)",
        "会场无线网络名称和密码印在参会证件背面。（演示文字）",
        "The venue's Wi-Fi name and password are printed on the back of your badge. (Demo text.)",
        "wifi, 无线网, 上网, wireless",
    ),
}


def seed_demo_help(edition, password=None) -> int:
    """Add the demo's help pages to the demo edition (once); returns how many it made."""
    having = set(HelpPage.objects.filter(edition=edition).values_list("key", flat=True))
    made = 0
    for key, (title_zh, title_en, body_zh, body_en, keywords) in PAGES.items():
        if key in having:
            continue
        HelpPage.objects.create(edition=edition, key=key, title_zh=title_zh, title_en=title_en, body_zh=body_zh, body_en=body_en, keywords=keywords)
        made += 1
    return made
