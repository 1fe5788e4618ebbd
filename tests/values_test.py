"""`values.frozen` behaves as `@dataclass(frozen=True, slots=True)` does, where the code relies on it."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable

import pytest

from agentops_hooks.values import FrozenInstanceError, Memo, field, frozen, replace


@frozen
class Point:
    """A value with every kind of field."""

    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    seen: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    memo: list[int] = field(default_factory=list, init=False, compare=False, repr=False)
    note: Callable[[], int] | None = field(default=None, compare=False)

    @property
    def norm(self) -> int:
        """A property still works."""
        return abs(self.x) + abs(self.y)


def test_init_takes_positions_keywords_and_defaults() -> None:
    p = Point(1, tags=("a",))
    assert (p.x, p.y, p.tags, p.seen, p.memo, p.note, p.norm) == (1, 0, ("a",), {}, [], None, 1)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'memo'"):
        Point(1, memo=[1])  # type: ignore[call-arg]


def test_each_instance_gets_its_own_factory_default() -> None:
    a, b = Point(1), Point(1)
    a.seen["k"] = 1
    a.memo.append(1)
    assert b.seen == {} and b.memo == []


def test_fields_cannot_be_assigned_or_deleted_and_there_is_no_dict() -> None:
    p = Point(1)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'x'"):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.y  # type: ignore[misc]
    with pytest.raises(AttributeError):
        p.other = 1  # type: ignore[attr-defined]
    assert not hasattr(p, "__dict__") and Point.__slots__ == ("x", "y", "tags", "seen", "memo", "note")


def test_equality_and_hash_by_the_compared_fields_only() -> None:
    a, b = Point(1, 2, note=lambda: 1), Point(1, 2, seen={"k": 1})
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != Point(1, 3) and a != (1, 2) and Point(1, 3) not in {a}


def test_repr_shows_the_repr_fields() -> None:
    assert repr(Point(1, tags=("a",))) == "Point(x=1, y=0, tags=('a',), note=None)"


def test_replace_keeps_the_rest_and_makes_non_init_fields_anew() -> None:
    p = Point(1, 2, seen={"k": 1})
    p.memo.append(9)
    q = replace(p, y=5)
    assert (q.x, q.y, q.seen, q.memo) == (1, 5, {"k": 1}, [])
    assert p.y == 2  # the original is unchanged
    with pytest.raises(TypeError):
        replace(p, memo=[1])


def test_copy_and_pickle_round_trip() -> None:
    p = Point(1, 2, ("a",))
    assert copy.deepcopy(p) == p and pickle.loads(pickle.dumps(p)) == p and copy.copy(p) == p


def test_class_keeps_its_name_module_doc_and_methods() -> None:
    assert (Point.__name__, Point.__qualname__, Point.__module__) == ("Point", "Point", __name__)
    assert Point.__doc__ == "A value with every kind of field." and Point.__init__.__qualname__ == "Point.__init__"


def test_a_memo_makes_each_value_once_per_object_and_key_and_never_for_a_lookalike() -> None:


    memo, made = Memo(3), []

    def make(tag: str) -> str:
        made.append(tag)
        return tag

    rules, same_content = [1, 2], [1, 2]  # equal, not the same object: never each other's entry
    assert memo.get(rules, lambda: make("a"), "plan") == "a"
    assert memo.get(rules, lambda: make("b"), "plan") == "a"  # kept
    assert memo.get(rules, lambda: make("c"), "other key") == "c"
    assert memo.get(same_content, lambda: make("d"), "plan") == "d"
    assert made == ["a", "c", "d"]
    assert memo.get(object(), lambda: make("e")) == "e"  # past the limit: starts over, still answers
    assert memo.get(rules, lambda: make("f"), "plan") == "f"
