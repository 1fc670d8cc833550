"""identity.follow: cards keep the GUID of the card they continue after their note is edited."""

from __future__ import annotations

import json

from flashgen.cards import derive
from flashgen.export.ids import guid_for, note_guid
from flashgen.identity import follow
from flashgen.model import Deck
from flashgen.parse import parse


def _deck(text: str) -> Deck:
    doc = parse(text, "n.md")
    return Deck(doc.deck, "n.md", doc.lang, derive(doc), "n")


def _guids(deck: Deck) -> dict[str, str]:
    return {c.prompt: note_guid(deck, c) for c in deck.cards}


QUIZ = ("# Cells\n\n## Quiz\n\n- What makes proteins? Ribosomes.\n"
        "- What holds the genes? DNA.\n- What copies the genes? DNA.\n")


def test_an_unedited_note_keeps_its_own_guids_and_records_them_briefly():
    first, record = follow(b"", _deck(QUIZ))
    again, record2 = follow(record, _deck(QUIZ))
    assert _guids(first) == _guids(again) == {
        c.prompt: guid_for("Cells", c.kind, c.prompt) for c in first.cards}
    assert record2 == record
    deck, cards = json.loads(record)
    assert deck == "Cells" and all(guid == "" for guid, *_ in cards)  # own GUIDs: not stored


def test_reworded_and_renamed_cards_continue_the_old_ones():
    old, record = follow(b"", _deck(QUIZ))
    was = _guids(old)
    edited = QUIZ.replace("# Cells", "# The cell").replace("What makes proteins?",
                                                          "Which organelle makes proteins?")
    new, record = follow(record, _deck(edited))
    now = _guids(new)
    assert now["Which organelle makes proteins?"] == was["What makes proteins?"]
    assert now["What holds the genes?"] == was["What holds the genes?"]  # deck renamed
    # built again from the record: the same GUIDs (the carried ones are in the record)
    again, _ = follow(record, _deck(edited))
    assert _guids(again) == now


def test_another_question_with_the_same_answer_is_another_card():
    """'What holds the genes?' and 'What copies the genes?' are both answered DNA: one gone
    and 'Which molecule is it?' come, unlike either, is a new card."""
    old, record = follow(b"", _deck(QUIZ))
    edited = QUIZ.replace("What copies the genes? DNA.", "Which molecule is a double helix? DNA.")
    new, _ = follow(record, _deck(edited))
    assert _guids(new)["Which molecule is a double helix?"] not in _guids(old).values()


def test_a_prompt_given_back_does_not_take_the_guid_a_card_carries():
    """A card reworded carries the old GUID; a card later written with the old prompt again
    gets a GUID of its own, not the one in use."""
    _, record = follow(b"", _deck(QUIZ))
    reworded = QUIZ.replace("What makes proteins?", "Which organelle makes proteins?")
    moved, record = follow(record, _deck(reworded))
    both = reworded + "- What makes proteins? Ribosomes, on the ER.\n"
    new, _ = follow(record, _deck(both))
    guids = _guids(new)
    assert len(set(guids.values())) == len(guids)
    assert guids["Which organelle makes proteins?"] == _guids(moved)["Which organelle makes proteins?"]


def test_a_damaged_record_gives_cards_their_own_guids():
    for damaged in ("{", "[1, 2]", '["Cells", [["x"]]]', "null"):
        deck, _ = follow(damaged.encode(), _deck(QUIZ))
        assert all(not c.guid for c in deck.cards)
