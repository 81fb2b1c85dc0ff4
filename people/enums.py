from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    """A person's role in an agenda item, in protocol order: a session lists its people role by
    role in this order (remarks first), and within a role by the person's precedence."""

    REMARKS = "remarks", _("Opening remarks")  # 致辞
    KEYNOTE = "keynote", _("Keynote")  # 主旨演讲
    MODERATOR = "moderator", _("Moderator")  # 主持
    PANELIST = "panelist", _("Panelist")  # 圆桌/对话嘉宾
    SPEECH = "speech", _("Speech")  # 发言
    VIDEO = "video", _("Video address")  # 视频演讲
    PRESENTER = "presenter", _("Presenter of a release")  # 发布
    AWARD_PRESENTER = "award_presenter", _("Award presenter")  # 颁奖


ROLE_ORDER = {role.value: index for index, role in enumerate(Role)}


class AttendanceMode(models.TextChoices):
    """How an invited speaker takes part, as they say when they confirm."""

    ON_SITE = "on_site", _("On site")
    ONLINE = "online", _("Online, live")
    VIDEO = "video", _("By recorded video")


class AppearanceStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", pgettext_lazy("a speaker's answer", "Declined")
    CANCELLED = "cancelled", _("Cancelled")
    APPEARED = "appeared", _("Appeared")  # the seeded history: the texts report the appearance
