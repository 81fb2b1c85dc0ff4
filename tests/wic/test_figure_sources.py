"""Every figure of an edition shows where it comes from: a folded "source" line (`{% quoted %}`,
templates/includes/quoted.html) holding the text's words and the reader's citation of the text
(wic.citations: the title from wic/seed_data/sources.yaml, never a file name). On the edition page
(the figures table) and wherever an edition's figures are listed as cards (home, the timeline)."""
import re

import pytest

from wic.models import EditionFigure

pytestmark = pytest.mark.django_db

SOURCE_EN = (
    '<details class="quoted"><summary>Quoted from the source</summary><q lang="zh-Hans">1500多名嘉宾</q> '
    "<cite>Encyclopedia entry on the 4th World Internet Conference (2017)</cite></details>\n"  # the include's own line end
)
SOURCE_ZH = (
    '<details class="quoted"><summary>原文引述</summary><q lang="zh-Hans">1500多名嘉宾</q> '
    "<cite>第四届世界互联网大会百科条目</cite></details>\n"
)


def page(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_2017_guests_figure_is_the_one_these_tests_read():
    figure = EditionFigure.objects.get(edition__year=2017, key="guests_on_site")
    assert (figure.value, figure.qualifier, figure.label_zh, figure.label_en, figure.quote_zh, figure.source) == (
        1500, "at_least", "参会嘉宾", "Guests", "1500多名嘉宾", "002_5cf7b1c102403489.txt",
    )


@pytest.mark.parametrize("language, row", [
    ("en", f'<tr><th scope="row">Guests</th><td>1500+{SOURCE_EN}</td></tr>'),
    ("zh-hans", f'<tr><th scope="row">参会嘉宾</th><td>1500+{SOURCE_ZH}</td></tr>'),
])
def test_the_edition_page_folds_each_figures_quote_with_its_citation(client, language, row):
    html = page(client, "/editions/2017/", language)
    assert row in html
    table = html[html.index('<section aria-labelledby="figures-title">'):]
    table = table[:table.index("</section>")]
    figures = EditionFigure.objects.filter(edition__year=2017)
    assert table.count('<details class="quoted">') == figures.exclude(quote_zh="").count() == figures.count()
    assert ".txt" not in table


@pytest.mark.parametrize("url", ["/", "/editions/"])
@pytest.mark.parametrize("language, label, source", [("en", "Guests", SOURCE_EN), ("zh-hans", "参会嘉宾", SOURCE_ZH)])
def test_the_figure_cards_of_home_and_the_timeline_fold_the_source_too(client, url, language, label, source):
    html = page(client, url, language)
    card = f'<li><span class="figure-value">1500+</span>\n  <span class="figure-label">{label}</span>{source}</li>'
    assert card in html
    assert ".txt" not in html


def test_a_figure_without_a_quote_shows_no_source_line_and_an_unknown_text_no_citation(client):
    figure = EditionFigure.objects.get(edition__year=2017, key="guests_on_site")
    figure.quote_zh = ""
    figure.save()
    html = page(client, "/editions/2017/", "en")
    assert '<tr><th scope="row">Guests</th><td>1500+\n</td></tr>' in html
    figure.quote_zh, figure.source = "1500多名嘉宾", "unknown.txt"
    figure.save()
    html = page(client, "/editions/2017/", "en")
    assert re.search(
        r'<tr><th scope="row">Guests</th><td>1500\+<details class="quoted"><summary>Quoted from the source</summary>'
        r'<q lang="zh-Hans">1500多名嘉宾</q></details>\n</td></tr>', html,
    )
    assert "unknown.txt" not in html
