from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CdromChange")


@_attrs_define
class CdromChange:
    """Which ISO is in a VM's CD-ROM drive (`null` ejects).

    Attributes:
        iso_id (int | None | Unset):
    """

    iso_id: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        iso_id: int | None | Unset
        if isinstance(self.iso_id, Unset):
            iso_id = UNSET
        else:
            iso_id = self.iso_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if iso_id is not UNSET:
            field_dict["iso_id"] = iso_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_iso_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        iso_id = _parse_iso_id(d.pop("iso_id", UNSET))

        cdrom_change = cls(
            iso_id=iso_id,
        )

        return cdrom_change
