from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="NewIso")


@_attrs_define
class NewIso:
    """Begins an upload: the size and SHA-256 the finished file must have.

    Attributes:
        name (str):
        sha256 (str): Hex SHA-256 of the whole file.
        size_bytes (int):
    """

    name: str
    sha256: str
    size_bytes: int

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        sha256 = self.sha256

        size_bytes = self.size_bytes

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "sha256": sha256,
                "size_bytes": size_bytes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        sha256 = d.pop("sha256")

        size_bytes = d.pop("size_bytes")

        new_iso = cls(
            name=name,
            sha256=sha256,
            size_bytes=size_bytes,
        )

        return new_iso
