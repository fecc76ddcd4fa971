from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ImageUpload")


@_attrs_define
class ImageUpload:
    """A qcow2 image to be sent in chunks.

    Attributes:
        sha256 (str):
        size_bytes (int):
    """

    sha256: str
    size_bytes: int

    def to_dict(self) -> dict[str, Any]:
        sha256 = self.sha256

        size_bytes = self.size_bytes

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sha256": sha256,
                "size_bytes": size_bytes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        sha256 = d.pop("sha256")

        size_bytes = d.pop("size_bytes")

        image_upload = cls(
            sha256=sha256,
            size_bytes=size_bytes,
        )

        return image_upload
