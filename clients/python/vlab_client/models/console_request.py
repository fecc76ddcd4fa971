from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.console_request_kind import ConsoleRequestKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConsoleRequest")


@_attrs_define
class ConsoleRequest:
    """
    Attributes:
        kind (ConsoleRequestKind): `vnc` (graphical) or `serial`.
        view_only (bool | Unset): Watch without sending input.
    """

    kind: ConsoleRequestKind
    view_only: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        view_only = self.view_only

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
            }
        )
        if view_only is not UNSET:
            field_dict["view_only"] = view_only

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kind = ConsoleRequestKind(d.pop("kind"))

        view_only = d.pop("view_only", UNSET)

        console_request = cls(
            kind=kind,
            view_only=view_only,
        )

        return console_request
