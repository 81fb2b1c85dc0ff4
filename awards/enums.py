"""Enumerations of the awards and nominations."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    AWARD = "award", _("Award")  # 杰出贡献奖
    ACHIEVEMENTS = "achievements", _("Leading technology achievements")  # 领先科技奖 / 领先科技成果
    TALENT = "talent", _("Talent programme")  # 全球青年领军者
    COMPETITION = "competition", _("Competition")  # "直通乌镇"全球互联网大赛
    # A call for cases (案例征集: 2024's cross-border e-commerce cases, the 实践案例 / 精品案例): it
    # collects cases in given domains to be selected and released, not candidates for a prize.
    CASE_COLLECTION = "case_collection", _("Case collection")


class DatePrecision(models.TextChoices):
    """How much of an instant a text states: "2024年10月10日17:00" (time), "2024年9月11日" (day),
    "2024年3月" (month). The stored instant is the start of what is stated; pages show only the
    stated part, so a month is never shown as an invented first day."""

    TIME = "time", _("Date and time")
    DAY = "day", _("Day")
    MONTH = "month", _("Month")


class Direction(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprises")
    INDIVIDUAL = "individual", _("Individuals")


class NominationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    WINNER = "winner", _("Winner")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The organizers' moves after submission (the applicant's own are submit and withdraw).
TRANSITIONS = {
    NominationState.SUBMITTED: (NominationState.ELIGIBLE, NominationState.INELIGIBLE),
    NominationState.ELIGIBLE: (NominationState.SHORTLISTED, NominationState.INELIGIBLE),
    NominationState.INELIGIBLE: (NominationState.ELIGIBLE,),
    NominationState.SHORTLISTED: (NominationState.WINNER, NominationState.ELIGIBLE),
    NominationState.WINNER: (NominationState.SHORTLISTED,),
}
# States an applicant may still withdraw from.
WITHDRAWABLE = (NominationState.DRAFT, NominationState.SUBMITTED)
