"""The pronunciation lexicon: what each voice is given, config entries and their checks, which scenes a
changed entry reruns, and the words the outline lists for the reviewer."""

from __future__ import annotations

import pytest

from showrunner.artifacts import Outline, OutlineSection, Scene, Segment
from showrunner.config import load_config
from showrunner.errors import ConfigError
from showrunner.files import write_json
from showrunner.outline_markdown import parse_outline_markdown, render_outline_markdown
from showrunner.pronunciation import Lexicon, Pronunciation, builtin, episode_lexicon, known_word, unsure_words
from showrunner.workflow import stage_settings
from tests.project import small_config


def test_terms_are_respelled_and_acronyms_spelled_out_for_every_voice():
    lexicon = Lexicon({"kubectl": Pronunciation(say="cube control")})
    text = "Run kubectl, then Kubectl's logs, via the CLI and two APIs over HTTPS; NASA agrees."
    for provider in ("openai", "edge", None):
        assert lexicon.spoken(text, provider) == ("Run cube control, then cube control's logs, via the C L I and "
                                                  "two A P I's over H T T P S; nasa agrees.")
    assert lexicon.spoken("two CPUs and the AWS's") == "two C P U's and the A W S's"
    # the longest term first, and a lowercase word is never taken for an acronym
    assert lexicon.spoken("SHA-256 and SHA, the nginx way") == "shah 256 and shah, the engine x way"


def test_a_lowercase_tool_name_without_a_vowel_is_spelled_out_and_its_scenes_depend_on_it():
    # the fd README: "fd" said as a word was heard as "fda"; spelled, it is heard as the letters
    lexicon = Lexicon()
    assert lexicon.spoken("Use fd or rg, then gcc; the nth time, vs find; rhythm and nginx.") == \
        "Use F D or R G, then G C C; the nth time, vs find; rhythm and engine x."
    assert lexicon.relevant(["Use fd with ls."]) == {"ls": {"say": "L S", "phonemes": {}},
                                                     "fd": {"say": "F D", "phonemes": {}}}
    assert unsure_words(["Use fd, then xxhash."], lexicon) == ["xxhash"]


def test_phonemes_go_to_each_voice_in_its_own_syntax_and_other_voices_read_the_respelling():
    lexicon = Lexicon({"GNU": Pronunciation(say="guh new", phonemes={"piper": "ɡənˈuː", "hibari": "ɡənˈu",
                                                                     "espeak": "g@n'u:"})})
    assert lexicon.spoken("The GNU tools", "piper") == "The [[ ɡənˈuː ]] tools"
    assert lexicon.spoken("The GNU tools", "hibari") == "The [GNU](/ɡənˈu/) tools"
    assert lexicon.spoken("The GNU tools", "espeak") == "The [[g@n'u:]] tools"
    assert lexicon.spoken("The GNU tools", "openai") == "The guh new tools"


def test_config_entries_override_the_builtin_episode_over_show(tmp_path):
    raw = small_config(pronunciations={"grep": "grepp"})
    raw["pronunciations"] = {"grep": "gee rep", "kubectl": {"say": "cube cuddle"}}
    lexicon = episode_lexicon(load_config(raw).episode("tea"))
    assert "grep" in builtin()
    assert lexicon.spoken("grep and kubectl") == "grepp and cube cuddle"
    assert lexicon.used_in("kubectl, grep, kubectl and tea") == ["kubectl", "grep"]


@pytest.mark.parametrize(("entries", "message"), [
    ({"x": ""}, "config.yaml: pronunciations.x.say: String should have at least 1 character"),
    ({"x": {"say": "ex", "phonemes": {"openai": "ɛks"}}}, "pronunciations.x.phonemes: phonemes for 'openai': only"),
    ({"x": {"say": "ex", "phonemes": {"piper": "[[ɛks]]"}}}, "without brackets or slashes"),
    ({"x": {"sey": "ex"}}, "pronunciations.x.sey: Extra inputs are not permitted"),
    ({" x": "ex"}, "pronunciations: ' x' is not a term"),
    ({"x": "[ex](/ɛks/)"}, "a respelling is plain words"),
])
def test_a_bad_entry_is_refused_at_start_with_its_field_named(entries, message):
    raw = small_config()
    raw["pronunciations"] = entries
    with pytest.raises(ConfigError) as err:
        load_config(raw)
    assert message in str(err.value)  # one line per problem, each naming the file and the field
    assert all(line.startswith("config.yaml: pronunciations") for line in str(err.value).splitlines())
    raw = small_config(pronunciations=entries)  # the episode's own entries are checked the same way
    with pytest.raises(ConfigError, match="episodes.tea.pronunciations"):
        load_config(raw)


def _scene(index: int, text: str) -> Scene:
    return Scene(index=index, section_id="s1", title=f"scene {index}", estimated_seconds=5,
                 segments=[Segment(id=f"seg{index}", speaker="ada", text=text, section_id="s1")])


def test_changing_an_entry_reruns_only_the_voices_that_say_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for index, text in ((1, "Run kubectl to see the pods."), (2, "Search with grep.")):
        write_json(tmp_path / "results" / "tea" / "scenes" / f"{index:02d}.json", _scene(index, text))

    def params(entries: dict) -> dict[str, dict]:
        raw = small_config()
        raw["pronunciations"] = entries
        config = load_config(raw)
        return {scene: stage_settings(config, "tea", "scene_voice", scene) for scene in ("01", "02")}

    before = params({"kubectl": "cube control"})
    after = params({"kubectl": "cube cuddle"})
    assert before["01"] != after["01"]  # scene 01 says kubectl: its voice is redone
    assert before["02"] == after["02"]  # scene 02 does not: untouched
    assert set(after["02"]["pronunciations"]) == {"grep"}
    assert params({"kubectl": "cube control", "teapot": "tea pot"}) == before  # a term no scene says reruns nothing


def test_british_and_american_spellings_are_both_words_a_voice_is_sure_of():
    # the corpus's British posts had "colour", "optimised", "behaviour" listed for the reviewer; a real
    # unknown word beside them still is
    texts = ["The colour of the catalogue: optimised behaviours, parallelised and serialised, "
             "the organisation's licence, its centre, travelled and modelled; then xxhash."]
    assert unsure_words(texts, Lexicon()) == ["xxhash"]
    assert not known_word("colourx") and not known_word("optimisedd")  # a near-miss is no variant


def test_the_words_no_voice_is_sure_of_are_listed_and_read_back_from_outline_md():
    texts = ["Snakemake hashes every input with xxhash and caches it in a Makefile-like graph.",
             "Run kubectl and grep, say the CLI aloud."]
    words = unsure_words(texts, Lexicon())
    assert words == ["Snakemake", "xxhash", "Makefile-like"]  # kubectl, grep: lexicon; CLI: spelled out
    assert unsure_words(texts, Lexicon({"snakemake": Pronunciation(say="snake make")})) == ["xxhash",
                                                                                            "Makefile-like"]
    outline = Outline(slug="tea", title="Caches", sections=[OutlineSection(id="s1", title="Hashes",
                                                                           key_points=["inputs are hashed"])],
                      unsure_words=words)
    markdown = render_outline_markdown(outline)
    assert "> Pronunciation: no voice is sure of: Snakemake, xxhash, Makefile-like (say how under " in markdown
    assert parse_outline_markdown(markdown, "tea") == outline
