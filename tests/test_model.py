"""model.value: frozen slotted dataclasses whose __init__ fills the slots directly."""

from __future__ import annotations

import inspect
import pickle
from dataclasses import (
    MISSING,
    FrozenInstanceError,
    field,
    fields,
    is_dataclass,
    make_dataclass,
    replace,
)

import pytest

from flashgen import cards, model

VALUES = [c for c in (*vars(model).values(), cards.Place)
          if isinstance(c, type) and is_dataclass(c)]


def test_every_model_class_is_a_value() -> None:
    assert {c.__name__ for c in VALUES} >= {"SourceRef", "Span", "Document", "Card", "Deck"}
    for cls in VALUES:
        # made by model.value: it sets the slots through their descriptors
        assert f"set_{fields(cls)[0].name}" in cls.__init__.__code__.co_names, cls
        assert cls.__dataclass_params__.frozen and "__slots__" in vars(cls), cls


@pytest.mark.parametrize("cls", VALUES, ids=lambda c: c.__name__)
def test_value_behaves_as_the_stock_frozen_dataclass(cls: type) -> None:
    stock = make_dataclass(
        cls.__name__,
        [(f.name, f.type, field(default=f.default, default_factory=f.default_factory))
         for f in fields(cls)],
        frozen=True, slots=True)
    ours, theirs = inspect.signature(cls).parameters, inspect.signature(stock).parameters
    assert list(ours) == list(theirs)
    for name, f in zip(ours, fields(cls), strict=True):
        assert ours[name].kind == theirs[name].kind
        if f.default_factory is MISSING:  # a factory shows as a sentinel, each its own
            assert ours[name].default == theirs[name].default

    given = [object() for _ in fields(cls)]
    for made in (cls(*given), cls(**{f.name: v for f, v in zip(fields(cls), given, strict=True)})):
        assert [getattr(made, f.name) for f in fields(cls)] == given
        assert made == cls(*given) and hash(made) == hash(cls(*given))
        with pytest.raises(FrozenInstanceError):
            setattr(made, fields(cls)[0].name, None)
        with pytest.raises(FrozenInstanceError):
            delattr(made, fields(cls)[0].name)
        assert not hasattr(made, "__dict__")
        changed = replace(made, **{fields(cls)[0].name: "x"})
        assert getattr(changed, fields(cls)[0].name) == "x" and changed != made

    required = [f for f in fields(cls) if ours[f.name].default is inspect.Parameter.empty]
    args = [object() for _ in required]
    a, b, reference = cls(*args), cls(*args), stock(*args)
    for f in fields(cls):
        assert getattr(a, f.name) == getattr(reference, f.name), f.name
        if f.default_factory is not MISSING:
            assert getattr(a, f.name) is not getattr(b, f.name)  # a fresh one each time
    with pytest.raises(TypeError):
        cls(*args, *[None] * (len(fields(cls)) + 1 - len(args)))


def test_values_pickle() -> None:
    span = model.Span("bold", "strong", line=3)
    doc = model.Document("n.md", "T", "en", "T", ("a",), (), (), {"k": [1]})
    assert pickle.loads(pickle.dumps(span)) == span
    back = pickle.loads(pickle.dumps(doc))
    assert back == doc and back.meta == {"k": [1]}


def test_value_refuses_what_its_init_would_skip() -> None:
    with pytest.raises(TypeError, match="@value supports plain fields only"):
        @model.value
        class NotInInit:
            x: int = field(default=0, init=False)
    with pytest.raises(TypeError, match="@value supports plain fields only"):
        @model.value
        class KeywordOnly:
            x: int = field(default=0, kw_only=True)
    with pytest.raises(TypeError, match="@value supports plain fields only"):
        @model.value
        class PostInit:
            x: int = 0

            def __post_init__(self) -> None:
                raise AssertionError("never called by value's __init__")
