"""Frozen value classes, as `@dataclass(frozen=True, slots=True)` makes them, for a fraction of the cost.

Every hook run imports the domain model. `dataclasses` imports `inspect` (and with it `ast`,
`dis`, `tokenize`) and compiles seven methods per class: about 15 ms over the classes one
commit-msg run loads, a fifth of the hook's time. `frozen` makes the same kind of class (slots,
frozen, `__init__` with defaults, equality and hash by field, a repr) from one compiled
`__init__` and shared methods. `field` and `replace` work as their `dataclasses` namesakes.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (and re): the hook entry stays free of it
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any, TypeVar, dataclass_transform

    T = TypeVar("T")
else:

    def dataclass_transform(**_: object) -> object:
        """What type checkers read on `frozen` (typing's is a no-op at run time too)."""
        return lambda f: f


_MISSING: Any = object()


class FrozenInstanceError(AttributeError):
    """A field of a frozen value was assigned (as dataclasses.FrozenInstanceError)."""


class Field:
    """What `field()` says about one field."""

    __slots__ = ("default", "default_factory", "init", "compare", "repr")

    def __init__(
        self, default: Any, default_factory: Callable[[], Any] | None, init: bool, compare: bool, repr: bool
    ) -> None:
        self.default, self.default_factory = default, default_factory
        self.init, self.compare, self.repr = init, compare, repr


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    init: bool = True,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A field's default (or factory for a fresh one), and whether `__init__`, `==` and repr take it."""
    return Field(default, default_factory, init, compare, repr)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: type[T]) -> type[T]:
    """The class as a frozen, slotted value class, its fields read from its annotations in order."""
    fields = [(name, _field_of(cls.__dict__.get(name, _MISSING))) for name in cls.__dict__.get("__annotations__", {})]
    names = tuple(name for name, _ in fields)
    compared = attrgetter(*[n for n, f in fields if f.compare]) if any(f.compare for _, f in fields) else _nothing
    shown = tuple(n for n, f in fields if f.repr)

    def __eq__(self: Any, other: Any) -> Any:
        return compared(self) == compared(other) if other.__class__ is self.__class__ else NotImplemented

    def __hash__(self: Any) -> int:
        return hash(compared(self))

    def __repr__(self: Any) -> str:
        return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in shown)})"

    def __getstate__(self: Any) -> list[Any]:
        return [getattr(self, n) for n in names]

    def __setstate__(self: Any, state: list[Any]) -> None:
        for n, v in zip(names, state, strict=True):
            object.__setattr__(self, n, v)

    made_box: list[type] = []  # the class, once made: its first instance compiles the real `__init__`
    namespace = {k: v for k, v in cls.__dict__.items() if k not in names and k not in ("__dict__", "__weakref__")}
    namespace |= {
        "__slots__": names,
        "__value_fields__": tuple(n for n, f in fields if f.init),
        "__init__": _first_init(cls.__qualname__, fields, made_box),
        "__eq__": __eq__,
        "__hash__": __hash__,
        "__repr__": __repr__,
        "__setattr__": _refuse,
        "__delattr__": _refuse,
        "__getstate__": __getstate__,
        "__setstate__": __setstate__,
    }
    made: type[T] = type(cls.__name__, cls.__bases__, namespace)
    made_box.append(made)
    return made


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the value with some fields changed (fields `__init__` does not take are made anew)."""
    for name in obj.__value_fields__:  # type: ignore[attr-defined]
        if name not in changes:
            changes[name] = getattr(obj, name)
    return obj.__class__(**changes)


def _field_of(default: Any) -> Field:
    return default if isinstance(default, Field) else Field(default, None, True, True, True)


def _nothing(_: object) -> tuple[()]:
    return ()


def _refuse(self: object, name: str, *_: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r} of a frozen {type(self).__qualname__}")


def _first_init(qualname: str, fields: list[tuple[str, Field]], made: list[type]) -> Callable[..., None]:
    """`__init__` until the first instance: it compiles the real one and puts it on the class.

    A hook run defines about 35 value classes and makes instances of half of them; compiling an
    `__init__` costs 0.1 ms, so the others are never compiled."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        real = _init(qualname, fields)
        made[0].__init__ = real  # type: ignore[misc]  # the class's own, from now on
        real(self, *args, **kwargs)

    __init__.__qualname__ = f"{qualname}.__init__"
    return __init__


def _init(qualname: str, fields: list[tuple[str, Field]]) -> Callable[..., None]:
    """`__init__`, compiled once per class: defaults bound as names, factories called per instance."""
    scope: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": _MISSING}
    params, body = [], []
    for name, f in fields:
        scope[f"_default_{name}"], scope[f"_factory_{name}"] = f.default, f.default_factory
        if not f.init:
            body.append(f"_set(self, {name!r}, _factory_{name}() if _factory_{name} else _default_{name})")
            continue
        if f.default_factory is not None:
            params.append(f"{name}=_MISSING")
            body.append(f"_set(self, {name!r}, _factory_{name}() if {name} is _MISSING else {name})")
            continue
        params.append(f"{name}=_default_{name}" if f.default is not _MISSING else name)
        body.append(f"_set(self, {name!r}, {name})")
    source = f"def __init__(self, {', '.join(params)}):\n    " + ("\n    ".join(body) or "pass")
    exec(source, scope)  # our own text, from field names only: what dataclasses does too
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{qualname}.__init__"
    return init


class Memo:
    """Values made from objects that cannot be hashed (a rule set, a rule, a glob set), kept by the
    object's identity and any further key: a history asks for them on every commit.

    Each entry holds its object, so an identity is not reused while it is cached; past `limit`
    entries the memo starts over, so memory stays flat."""

    __slots__ = ("_entries", "_limit")

    def __init__(self, limit: int) -> None:
        self._entries: dict[tuple[Any, ...], tuple[object, Any]] = {}
        self._limit = limit

    def get(self, obj: object, make: Callable[[], T], *key: object) -> T:
        """`make()`'s value for this object (and key): made the first time, then kept."""
        full = (id(obj), *key)
        hit = self._entries.get(full)
        if hit is not None and hit[0] is obj:
            value: T = hit[1]
            return value
        value = make()
        if len(self._entries) >= self._limit:
            self._entries.clear()
        self._entries[full] = (obj, value)
        return value


class Deferred(Mapping):  # type: ignore[type-arg]
    """A read-only mapping that `make()` builds when it is first read, then keeps.

    For what most runs never read: a lazily compiled rule's tables, a prebuilt pack's examples."""

    __slots__ = ("_make", "_value")

    def __init__(self, make: Callable[[], Mapping[str, Any]]) -> None:
        self._make: Callable[[], Mapping[str, Any]] | None = make
        self._value: Mapping[str, Any] | None = None

    def _get(self) -> Mapping[str, Any]:
        if self._value is None:
            assert self._make is not None
            self._value, self._make = self._make(), None
        return self._value

    def __getitem__(self, key: str) -> Any:
        return self._get()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._get().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __repr__(self) -> str:
        return repr(self._get())
