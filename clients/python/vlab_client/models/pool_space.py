from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PoolSpace")


@_attrs_define
class PoolSpace:
    """One of vlab's pools and the filesystem that holds it.

    Attributes:
        free_bytes (int):
        pool (str): `disks`, `isos`, `templates` or `kernels`.
        shared (bool): Whether every node shares it (`shared_pool_dir`).
        total_bytes (int):
    """

    free_bytes: int
    pool: str
    shared: bool
    total_bytes: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        free_bytes = self.free_bytes

        pool = self.pool

        shared = self.shared

        total_bytes = self.total_bytes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "free_bytes": free_bytes,
                "pool": pool,
                "shared": shared,
                "total_bytes": total_bytes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        free_bytes = d.pop("free_bytes")

        pool = d.pop("pool")

        shared = d.pop("shared")

        total_bytes = d.pop("total_bytes")

        pool_space = cls(
            free_bytes=free_bytes,
            pool=pool,
            shared=shared,
            total_bytes=total_bytes,
        )

        pool_space.additional_properties = d
        return pool_space

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
