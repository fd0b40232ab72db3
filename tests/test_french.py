"""The hub in French: /fr/… pages, the language switcher, dates, numbers and place names in French,
the page cache kept apart by language, and message catalogues that are complete and compiled."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.partial_dates import PartialDate
from links.demo import load_demo_data
from links.models import Link
from places.models import Place
from sources.models import Source

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"  # French puts a no-break space before : ; ? ! and inside « », and groups thousands with one


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data (with its French place names), loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo_data()
        transaction.set_rollback(True)


def link_of(*names: str) -> Link:
    return next(link for link in Link.objects.all() if all(name in link.title for name in names))


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def visible(html: str) -> str:
    """The page's text without its tags, selects and charts: what a reader sees, in one line (its
    no-break spaces kept)."""
    html = re.sub(r"<(script|svg|select)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(a|strong|em|span|time|code)\b[^>]*>", "", html)  # inline: no space of their own
    text = re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))
    return text.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


@pytest.fixture(autouse=True)
def english_afterwards():
    """A French request leaves French active in this thread: give the next test English again."""
    yield
    translation.deactivate()


def en(url_of) -> str:
    """An object's (English) address, whatever language a previous request left active."""
    with translation.override("en-gb"):
        return url_of.get_absolute_url()


# ---------------------------------------------------------------- the French journeys


def test_the_home_page_in_french(client, demo):
    html = page(client, "/fr/")
    assert '<html lang="fr">' in html
    assert "<h1>Trouver un jumelage ou un lien d’amitié</h1>" in html
    assert "Le registre aujourd’hui" in html and "Dernières décisions enregistrées" in html
    assert re.search(r"<strong>\d+</strong> liens", html)
    # The Coventry–Volgograd pause, dated and labelled in French.
    assert '<time datetime="2022-03-22">22 mars 2022</time>: <a href=' in html
    assert "– suspendu par Coventry City Council" in html
    assert "Find a twinning" not in html and "Latest recorded decisions" not in html


def test_a_search_with_filters_and_a_status_date_in_french(client, demo):
    html = page(client, "/fr/search?country=GB&partner_country=RU&as_of=2022-12-31&status=paused")
    text = visible(html)
    assert '<html lang="fr">' in html
    assert "3 liens trouvés" in text
    assert "Statut au 31 décembre 2022, d’après les décisions datées enregistrées pour chaque lien." in text
    assert f"Liens correspondant à ces filtres, par statut au 31{NBSP}décembre 2022" not in text  # one space
    assert "Liens correspondant à ces filtres, par statut au 31 décembre 2022" in text
    assert "Coventry – Volgograd" in text and "Royaume-Uni – Russie" in text
    assert '<span class="tag status-paused">suspendu</span>' in html
    assert "jumelage officiel (pacte, charte ou protocole d’accord)" in text
    assert '<label for="id_as_of">Statut à une date</label>' in html
    assert '<option value="RU" selected>Russie</option>' in html  # countries named in French
    assert "Afficher les 3 liens au statut «" in html
    # The downloads are the documented open data, the same files in every language.
    assert '<a href="/search.csv?country=GB&amp;partner_country=RU&amp;as_of=2022-12-31&amp;status=paused"' in html
    assert "links found" not in text


def test_a_search_error_is_explained_in_french(client, demo):
    html = page(client, "/fr/search?as_of=2022-31-12&year_from=1990&year_to=1980", status=400)
    text = visible(html)
    assert "Il y a un problème dans la recherche" in text
    assert f"Statut à une date{NBSP}: Saisissez la date sous la forme année-mois-jour" in text
    # A message that names its field is not prefixed with it again.
    assert f"«{NBSP}Commencé jusqu’à l’année{NBSP}» (1980) est antérieur à" in text
    assert f"Commencé jusqu’à l’année{NBSP}: «" not in text


def test_a_link_page_in_french(client, demo):
    link = link_of("Coventry", "Volgograd")
    html = page(client, "/fr" + en(link))
    text = visible(html)
    assert '<html lang="fr">' in html
    assert f"Statut aujourd’hui{NBSP}:" in text
    assert 'depuis le <time datetime="2022-03-22">22 mars 2022</time>' in html
    assert "Chronologie" in text and "À propos de ce lien" in text and "Premier contact" in text
    assert '<span class="status-paused">Suspendu</span>' in html
    assert "Paix et réconciliation" in text  # a purpose, stored in English, shown in French
    assert f"Décidé par{NBSP}:" in text and "(guerre)" in text
    assert "Signaler un changement de son statut" in text
    assert "Coventry, Royaume-Uni" in text and "Volgograd, Russie" in text


def test_a_place_page_in_french_with_its_french_name_and_french_numbers(client, demo):
    london = Place.objects.get(name="London")
    html = page(client, "/fr" + en(london))
    text = visible(html)
    assert "<h1>Londres</h1>" in html and "<title>Londres, Royaume-Uni – Twinning Hub</title>" in html
    assert "Aussi appelé London (en)" in text
    assert f"Population 8{NBSP}961{NBSP}989" in text  # grouped with no-break spaces
    assert "Coordonnées 51,50853, -0,12574" in text  # decimal commas
    assert "Grande ville, Angleterre, Royaume-Uni" in text
    assert "Londres – Ville russe jumelée avec Londres (non nommée)" in text
    assert "Historique des décisions" in text
    # The address stays the English one: the page is not redirected to another slug.
    assert client.get("/fr" + en(london)).status_code == 200


def test_a_source_page_in_french(client, demo):
    source = Source.objects.get(title="Council sends letter to Russian twin")
    text = visible(page(client, "/fr" + en(source)))
    assert "Document officiel ou de conseil municipal" in text
    assert "Publication mars 2022" in text
    assert "Faits qui citent cette source (5)" in text
    assert f"Coventry – Volgograd{NBSP}: suspendu{NBSP}: 22 mars 2022" not in text
    assert f"suspendu{NBSP}: 22 mars 2022" in text
    assert "Lieu Marioupol (Ukraine)" in text and "Coventry – Marioupol" in text


def test_the_statistics_page_in_french(client, demo):
    html = page(client, "/fr/statistics/?as_of=2021-12-31")
    text = visible(html)
    assert '<html lang="fr">' in html
    assert f"<h1>Statistiques{NBSP}: liens du Royaume-Uni</h1>" in html
    assert "Partenaires par pays" in text and "Partenaires par continent" in text
    assert re.search(rf"Russie \d+ \d+{NBSP}%", text)  # a share, with its no-break space before %
    assert "Statut au 31 décembre 2021" in text
    assert "Revenu élevé" in text and "Europe" in text and "années 1940" in text
    assert "Dresde (Allemagne)" in text  # the top places, named in French
    assert re.search(r"Voir ces \d+ liens dans la recherche", text)
    assert f"Comptés le {_long_fr(dt.date.today())}{NBSP};" in text
    assert "Partners by country" not in text


def test_statistics_csv_downloads_keep_their_codes(client, demo):
    response = client.get("/fr/statistics/partners_by_country.csv")
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Code ISO,Pays partenaire,Liens,Part des liens,LGIB 2006"
    assert any(line.startswith("RU,Russie,") for line in lines)


def _long_fr(day: dt.date) -> str:
    with translation.override("fr"):
        return PartialDate(day, "day").__str__()


# ---------------------------------------------------------------- the switcher and the English pages


def test_the_switcher_keeps_the_page_and_its_query(client, demo):
    html = page(client, "/search?q=coventry&country=GB")
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    assert (
        '<a href="/search?q=coventry&amp;country=GB" lang="en-GB" hreflang="en-GB" aria-current="true">English</a>'
        in switcher
    )
    assert '<a href="/fr/search?q=coventry&amp;country=GB" lang="fr" hreflang="fr">Français</a>' in switcher
    french = page(client, "/fr/search?q=coventry&country=GB")
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', french, re.S).group(0)
    assert '<a href="/search?q=coventry&amp;country=GB" lang="en-GB" hreflang="en-GB">English</a>' in switcher
    assert 'hreflang="fr" aria-current="true">Français</a>' in switcher
    assert '<link rel="alternate" hreflang="en-GB" href="/search?q=coventry&amp;country=GB">' in french
    link = link_of("Coventry", "Volgograd")
    assert f'href="/fr{en(link)}" lang="fr"' in page(client, en(link))


def test_a_page_with_no_french_address_leads_to_the_french_home_page(client, demo):
    html = page(client, "/nowhere", status=404)
    assert '<a href="/fr/" lang="fr" hreflang="fr">Français</a>' in html
    assert 'rel="alternate"' not in html


def test_the_english_pages_are_unchanged(client, demo):
    html = page(client, "/")
    assert '<html lang="en-GB">' in html
    assert "<h1>Find a twinning or friendship link</h1>" in html
    assert '<time datetime="2022-03-22">22 March 2022</time>: <a href=' in html
    london = page(client, en(Place.objects.get(name="London")))
    assert "<h1>London</h1>" in london and "Londres" not in visible(london).split("Also known as")[0]
    assert "Population 8,961,989" in visible(london)
    search = visible(page(client, "/search?country=GB&partner_country=RU&as_of=2022-12-31"))
    assert "Status shown as on 31 December 2022, from the dated decisions" in search
    assert "London – Unnamed Russian twin of London" in search
    assert "suspendu" not in search and "Royaume-Uni" not in search


def test_the_api_and_the_admin_stay_in_english_at_one_address(client, demo):
    assert client.get("/fr/api/v1/links").status_code == 404
    answer = client.get("/api/v1/links", {"country": "GB", "partner_country": "RU"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert answer.status_code == 200
    kinds = {row["kind_label"] for row in answer.json()["results"]}
    assert "formal twinning (pact, charter or MoU)" in kinds


# ---------------------------------------------------------------- the page cache, by language


def test_the_french_and_english_pages_are_never_served_for_one_another(client, demo):
    link = link_of("Coventry", "Volgograd")
    english, french = en(link), "/fr" + en(link)
    assert client.get(english)["X-Registry-Cache"] == "miss"
    assert client.get(english)["X-Registry-Cache"] == "hit"
    first_french = client.get(french)
    assert first_french["X-Registry-Cache"] == "miss" and "Chronologie" in first_french.content.decode()
    again_french = client.get(french)
    assert again_french["X-Registry-Cache"] == "hit" and "Chronologie" in again_french.content.decode()
    again_english = client.get(english)
    assert again_english["X-Registry-Cache"] == "hit" and "Timeline" in again_english.content.decode()
    assert "Chronologie" not in again_english.content.decode()


def test_the_page_cache_key_holds_the_language_even_for_one_path(demo):
    """The decorator keys by language, not only by path: one path rendered in two languages is kept twice."""
    from django.contrib.auth.models import AnonymousUser

    from api.conditional import registry_cached_page

    @registry_cached_page()
    def view(request):
        return HttpResponse(translation.get_language())

    answers = []
    for language in ("fr", "en-gb", "fr", "en-gb"):
        request = RequestFactory().get("/same/path")
        request.user = AnonymousUser()
        with translation.override(language):
            response = view(request)
        answers.append((response.content.decode(), response.get("X-Registry-Cache")))
    assert answers == [("fr", "miss"), ("en-gb", "miss"), ("fr", "hit"), ("en-gb", "hit")]


# ---------------------------------------------------------------- place names, dates and the change log


def test_lists_show_place_names_in_french_without_a_query_per_place(client, make_place, actor, source):
    from links.services import link_create, status_event_record
    from sources.services import CitationSpec

    hub = make_place("Hubford", "GB", other_names={"fr": ["Hubford-la-Ville"]})
    cite = [CitationSpec(source=source)]

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            partner = make_place(
                f"Partnertown {i}", "DE", other_names={"fr": [f"Villepartenaire {i}"], "de": [f"Stadt {i}"]}
            )
            link = link_create(actor=actor, parties=[hub, partner], kind="formal", citations=cite)
            status_event_record(
                actor=actor,
                link=link,
                when=PartialDate.parse(dt.date.today().isoformat()),
                status="active",
                citations=cite,
            )

    def queries(url: str) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    add(2, 0)
    urls = ["/fr/search?q=hubford", "/fr" + en(hub), "/fr/", "/fr" + en(source)]
    few = {url: queries(url)[0] for url in urls}
    add(6, 2)
    for url in urls:
        count, html = queries(url)
        assert count == few[url], url
        assert "Hubford-la-Ville – Villepartenaire 7" in html, url
    assert "Hubford – Partnertown 7" in page(client, "/search?q=hubford")


def test_partial_dates_and_days_in_french():
    with translation.override("fr"):
        assert str(PartialDate.parse("2022-03")) == "mars 2022"
        assert str(PartialDate.parse("2022-03-22")) == "22 mars 2022"
        assert str(PartialDate.parse("2022-03-01")) == "1er mars 2022"
        assert str(PartialDate.parse("1947")) == "1947"
        with pytest.raises(ValueError, match="n’est pas une date"):
            PartialDate.parse("22/03/2022")
    with translation.override("en-gb"):
        assert str(PartialDate.parse("2022-03-01")) == "1 March 2022"


def test_countries_are_named_and_phrased_in_french():
    from places.geography import country_choices, country_label, country_name
    from stats.geography import country_phrase

    with translation.override("fr"):
        assert [country_label(code) for code in ("GB", "RU", "DE", "KR")] == [
            "Royaume-Uni", "Russie", "Allemagne", "Corée du Sud"
        ]  # fmt: skip
        assert [country_phrase(code) for code in ("GB", "FR", "DE", "US", "IL", "PK")] == [
            "du Royaume-Uni", "de la France", "de l'Allemagne", "des États-Unis", "d'Israël", "du Pakistan"
        ]  # fmt: skip
        names = [name for _code, name in country_choices()]
        assert names.index("Égypte") < names.index("Espagne")  # sorted as French readers expect
        assert country_name("RU") == "Russian Federation"  # the data's English name is unchanged


def test_the_change_log_is_written_in_english_from_a_french_page(actor, source, make_place):
    from audit.models import ChangeRecord
    from links.services import link_create, status_event_record
    from sources.services import CitationSpec

    cite = [CitationSpec(source=source)]
    link = link_create(
        actor=actor, parties=[make_place("Aville", "GB"), make_place("Bville", "FR")], kind="formal", citations=cite
    )
    with translation.override("fr"):
        status_event_record(
            actor=actor, link=link, when=PartialDate.parse("2022-03-22"), status="paused", citations=cite
        )
    summary = ChangeRecord.objects.filter(summary__startswith="Aville – Bville:").get().summary
    assert summary == "Aville – Bville: paused on 22 March 2022"


# ---------------------------------------------------------------- the message catalogues


def _catalogues() -> list[Path]:
    root = Path(settings.BASE_DIR)
    found = [
        path
        for path in root.glob("*/locale/*/LC_MESSAGES/*.po")
        if not any(part.startswith(".") or part in ("node_modules", "staticfiles") for part in path.parts)
    ]
    assert found, "no message catalogues found"
    return sorted(found)


def _unquote(text: str) -> str:
    return bytes(text.strip()[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def _entries(path: Path) -> list[dict]:
    """A .po file's entries: msgctxt, msgid, msgid_plural, msgstr (or msgstr[n]), flags, obsolete."""
    entries: list[dict] = []
    entry: dict | None = None
    field = None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        starts = line.startswith(("#", "msgctxt ", "msgid ")) and not line.startswith("#~")
        if entry is not None and (not line.strip() or (starts and entry.get("msgstr") is not None)):
            if entry.get("msgid") is not None:
                entries.append(entry)
            entry, field = None, None
        if not line.strip():
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": None, "plural_forms": {}}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            field, entry["msgctxt"] = "msgctxt", _unquote(line[8:])
        elif line.startswith("msgid_plural "):
            field, entry["msgid_plural"] = "msgid_plural", _unquote(line[13:])
        elif line.startswith("msgid "):
            field, entry["msgid"] = "msgid", _unquote(line[6:])
        elif line.startswith("msgstr["):
            number = int(line[7 : line.index("]")])
            field = ("plural", number)
            entry["plural_forms"][number] = _unquote(line[line.index("]") + 1 :])
            entry["msgstr"] = ""
        elif line.startswith("msgstr "):
            field, entry["msgstr"] = "msgstr", _unquote(line[7:])
        elif line.startswith('"'):
            if isinstance(field, tuple):
                entry["plural_forms"][field[1]] += _unquote(line)
            else:
                entry[field] += _unquote(line)
    return entries


def test_every_message_is_translated_none_fuzzy_and_every_catalogue_compiled():
    """Every .po entry (but the header) has its translation, in every plural form, and none is fuzzy or
    obsolete; the .mo beside it holds exactly those translations. Git keeps no file times, so "the .mo
    is older than its .po" is checked by content: a .mo not rebuilt after a .po changed differs from it."""
    problems = []
    for path in _catalogues():
        where = path.relative_to(settings.BASE_DIR)
        mo = path.with_suffix(".mo")
        if not mo.exists():
            problems.append(f"{where}: no compiled {mo.name}: run compilemessages")
            continue
        with mo.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)._catalog
        for entry in _entries(path):
            if entry["msgid"] == "":
                continue
            name = f"{where}: {entry['msgid'][:60]!r}"
            if entry.get("obsolete"):
                problems.append(f"{name} is obsolete: run makemessages with --no-obsolete")
                continue
            if "fuzzy" in entry["flags"]:
                problems.append(f"{name} is fuzzy")
            key = f"{entry['msgctxt']}\x04{entry['msgid']}" if entry.get("msgctxt") is not None else entry["msgid"]
            if entry.get("msgid_plural") is not None:
                forms = entry["plural_forms"]
                if len(forms) < 2 or not all(forms.values()):
                    problems.append(f"{name} has an untranslated plural form")
                elif any(compiled.get((key, n)) != text for n, text in forms.items()):
                    problems.append(f"{name}: {mo.name} is out of date: run compilemessages")
            elif not entry["msgstr"]:
                problems.append(f"{name} is not translated")
            elif compiled.get(key) != entry["msgstr"]:
                problems.append(f"{name}: {mo.name} is out of date: run compilemessages")
    assert not problems, "\n".join(problems)


def test_a_message_has_the_same_plural_in_every_catalogue():
    """gettext finds a plural by its singular alone: two apps' catalogues giving one singular two
    different plurals would make one of them fail (Django then shows the English)."""
    plurals: dict[tuple[str | None, str], set[str]] = {}
    for path in _catalogues():
        for entry in _entries(path):
            if entry.get("msgid_plural") is not None:
                plurals.setdefault((entry.get("msgctxt"), entry["msgid"]), set()).add(entry["msgid_plural"])
    clashes = {key: forms for key, forms in plurals.items() if len(forms) > 1}
    assert not clashes, clashes


def test_french_and_english_are_the_languages():
    assert settings.LANGUAGE_CODE == "en-gb"
    assert [code for code, _name in settings.LANGUAGES] == ["en-gb", "fr"]
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE


def test_the_open_data_page_gives_the_licence_in_french_and_the_files_keep_it_in_english(client, db):
    from api.exports import LICENCE

    english = client.get("/open-data").content.decode()
    assert LICENCE in english, "the page's English text is the data files' own"
    french = client.get("/fr/open-data").content.decode()
    assert "Données ouvertes de Twinning Hub" in french and LICENCE not in french
