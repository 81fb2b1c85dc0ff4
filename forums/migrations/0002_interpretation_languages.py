"""Interpretation becomes a choice of languages (issue 20, point 8).

Calls used to ask it as a free-text question ("是否需要同声传译？"). The data step moves each answer
to such a question into `interpretation_languages` (the languages it names) and, unless the answer
is nothing but a plain no or a list of languages, keeps its words in `interpretation_note`, so no
answer is lost. The question itself is then removed from its call. Reversing puts the words back as
answers to a recreated question.
"""
import re

from django.db import migrations, models

# A question is about interpretation when its text says so, in either language.
QUESTION = re.compile(r"同声传译|同传|口译|传译|interpret", re.IGNORECASE)
# The words that name each language, in the model's order (zh, en, fr, ru, es, ar). A lone "中" or
# "法" means too many other things (方法, 其中), so Chinese and French need a paired or full form.
LANGUAGES = (
    ("zh", re.compile(r"中文|汉语|普通话|华语|中英|中法|中俄|中西|中阿|英中|法中|俄中|chinese|mandarin", re.IGNORECASE)),
    ("en", re.compile(r"英|english", re.IGNORECASE)),
    ("fr", re.compile(r"法语|法文|中法|英法|法中|法英|french|français", re.IGNORECASE)),
    ("ru", re.compile(r"俄|russian", re.IGNORECASE)),
    ("es", re.compile(r"西班牙|西语|spanish|español", re.IGNORECASE)),
    ("ar", re.compile(r"阿拉伯|阿语|arabic", re.IGNORECASE)),
)
NO = re.compile(r"^\s*(否|无|不|不需要|不用|暂不需要|no|none|not needed|n/?a)\s*[。.!！]?\s*$", re.IGNORECASE)
# What is left of an answer once its languages and filler words are taken out: if only this, the
# languages said it all and the words need not be kept.
FILLER = re.compile(
    r"需要|是|的|同声传译|同传|传译|翻译|口译|语|文|和|与|及|、|,|，|/|;|；|:|：|\.|。|\s|yes|and|interpretation|simultaneous|needed|into",
    re.IGNORECASE,
)


def parse_answer(text: str) -> tuple[list[str], str]:
    """(language codes, the words to keep as a note) for one free-text answer."""
    text = (text or "").strip()
    if not text or NO.match(text):
        return [], ""
    codes = [code for code, pattern in LANGUAGES if pattern.search(text)]
    rest = text
    for _code, pattern in LANGUAGES:
        rest = pattern.sub("", rest)
    rest = FILLER.sub("", rest)
    return codes, ("" if codes and not rest else text[:300])


def forwards(apps, schema_editor):
    CallQuestion = apps.get_model("forums", "CallQuestion")
    ForumApplication = apps.get_model("forums", "ForumApplication")
    questions = [q for q in CallQuestion.objects.all() if QUESTION.search(q.text_zh) or QUESTION.search(q.text_en)]
    for question in questions:
        key = str(question.pk)
        for application in ForumApplication.objects.filter(call_id=question.call_id):
            answers = dict(application.answers or {})
            if key not in answers:
                continue
            codes, note = parse_answer(str(answers.pop(key)))
            order = [code for code, _pattern in LANGUAGES]
            merged = set(application.interpretation_languages or []) | set(codes)
            application.interpretation_languages = [code for code in order if code in merged]
            if note:
                application.interpretation_note = "; ".join(filter(None, [application.interpretation_note, note]))[:300]
            application.answers = answers
            application.save(update_fields=["answers", "interpretation_languages", "interpretation_note"])
        question.delete()


def backwards(apps, schema_editor):
    CallQuestion = apps.get_model("forums", "CallQuestion")
    ForumApplication = apps.get_model("forums", "ForumApplication")
    names = dict(zh="中文", en="英语", fr="法语", ru="俄语", es="西班牙语", ar="阿拉伯语")
    questions = {}
    for application in ForumApplication.objects.exclude(interpretation_languages=[], interpretation_note=""):
        question = questions.get(application.call_id)
        if question is None:
            question = questions[application.call_id] = CallQuestion.objects.create(
                call_id=application.call_id, text_zh="是否需要同声传译？", text_en="Do you need simultaneous interpretation?"
            )
        words = "、".join(names[c] for c in application.interpretation_languages or [] if c in names)
        answers = dict(application.answers or {})
        answers[str(question.pk)] = "；".join(filter(None, [words, application.interpretation_note]))
        ForumApplication.objects.filter(pk=application.pk).update(answers=answers)


class Migration(migrations.Migration):

    dependencies = [
        ("forums", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="forumapplication",
            name="interpretation_languages",
            field=models.JSONField(blank=True, default=list, verbose_name="simultaneous interpretation"),
        ),
        migrations.AddField(
            model_name="forumapplication",
            name="interpretation_note",
            field=models.CharField(blank=True, max_length=300, verbose_name="other interpretation needs"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
