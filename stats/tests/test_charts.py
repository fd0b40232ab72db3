"""Charts are plain, labelled, escaped SVG."""

from xml.etree import ElementTree

from stats.charts import STATUS_COLOURS, Bar, Series, bar_chart, column_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_a_bar_chart_is_an_image_labelled_by_its_title_with_a_bar_per_row():
    svg = bar_chart("chart-x", "Partners by country", [Bar("France", 12), Bar("Germany", 3)])
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-x-title chart-x-desc"
    assert root.get("viewBox").startswith("0 0 340 ")
    assert root.find(f"{SVG}title").text == "Partners by country"
    assert root.find(f"{SVG}desc").text == "France: 12; Germany: 3"
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[0] > widths[1] * 3.5  # drawn to scale: 12 against 3
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert texts == ["France", "12", "Germany", "3"]


def test_text_in_a_chart_is_escaped():
    svg = bar_chart("c", 'A <script>alert("x")</script> title', [Bar("<b>Evil</b> & co", 1)])
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)  # still well-formed XML
    assert root.find(f"{SVG}title").text == 'A <script>alert("x")</script> title'


def test_status_colours_match_the_sites_status_colours():
    assert STATUS_COLOURS["active"] == "#00703c"
    assert STATUS_COLOURS["paused"] == "#8a4b00"
    assert STATUS_COLOURS["ended"] == "#a3151e"
    assert STATUS_COLOURS["proposed"] == "#1d4ed8"
    root = parse(bar_chart("s", "Status", [Bar("Paused", 2, STATUS_COLOURS["paused"])]))
    assert [rect.get("fill") for rect in root.iter(f"{SVG}rect")] == ["#8a4b00"]


def test_a_column_chart_stacks_each_year_and_spans_the_years_between():
    series = [Series("paused", "paused", STATUS_COLOURS["paused"]), Series("ended", "ended", STATUS_COLOURS["ended"])]
    svg = column_chart("w", "Status changes", {(2018, "ended"): 1, (2022, "paused"): 5, (2022, "ended"): 2}, series)
    root = parse(svg)
    assert root.get("role") == "img"
    assert "the most in 2022 (7)" in root.find(f"{SVG}desc").text
    groups = [g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]
    assert [g.find(f"{SVG}title").text for g in groups] == ["2018: 1 ended", "2022: 5 paused, 2 ended"]
    heights = [float(rect.get("height")) for rect in groups[1].iter(f"{SVG}rect")]
    assert heights[0] == 2.5 * heights[1]
    labels = {text.text for text in root.iter(f"{SVG}text")}
    assert {"2018", "2022", "paused", "ended"} <= labels


def test_empty_charts_say_so():
    assert "No links to show." in bar_chart("e", "Nothing", [])
    assert "No status changes recorded." in column_chart("e", "Nothing", {}, [])
