from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="QuotaLimits")


@_attrs_define
class QuotaLimits:
    """Limits; none means unlimited.

    Attributes:
        max_disk_mib (int | None | Unset):
        max_memory_mib (int | None | Unset):
        max_running_memory_mib (int | None | Unset):
        max_running_vcpus (int | None | Unset):
        max_running_vms (int | None | Unset):
        max_vcpus (int | None | Unset):
        max_vms (int | None | Unset):
    """

    max_disk_mib: int | None | Unset = UNSET
    max_memory_mib: int | None | Unset = UNSET
    max_running_memory_mib: int | None | Unset = UNSET
    max_running_vcpus: int | None | Unset = UNSET
    max_running_vms: int | None | Unset = UNSET
    max_vcpus: int | None | Unset = UNSET
    max_vms: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        max_disk_mib: int | None | Unset
        if isinstance(self.max_disk_mib, Unset):
            max_disk_mib = UNSET
        else:
            max_disk_mib = self.max_disk_mib

        max_memory_mib: int | None | Unset
        if isinstance(self.max_memory_mib, Unset):
            max_memory_mib = UNSET
        else:
            max_memory_mib = self.max_memory_mib

        max_running_memory_mib: int | None | Unset
        if isinstance(self.max_running_memory_mib, Unset):
            max_running_memory_mib = UNSET
        else:
            max_running_memory_mib = self.max_running_memory_mib

        max_running_vcpus: int | None | Unset
        if isinstance(self.max_running_vcpus, Unset):
            max_running_vcpus = UNSET
        else:
            max_running_vcpus = self.max_running_vcpus

        max_running_vms: int | None | Unset
        if isinstance(self.max_running_vms, Unset):
            max_running_vms = UNSET
        else:
            max_running_vms = self.max_running_vms

        max_vcpus: int | None | Unset
        if isinstance(self.max_vcpus, Unset):
            max_vcpus = UNSET
        else:
            max_vcpus = self.max_vcpus

        max_vms: int | None | Unset
        if isinstance(self.max_vms, Unset):
            max_vms = UNSET
        else:
            max_vms = self.max_vms

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if max_disk_mib is not UNSET:
            field_dict["max_disk_mib"] = max_disk_mib
        if max_memory_mib is not UNSET:
            field_dict["max_memory_mib"] = max_memory_mib
        if max_running_memory_mib is not UNSET:
            field_dict["max_running_memory_mib"] = max_running_memory_mib
        if max_running_vcpus is not UNSET:
            field_dict["max_running_vcpus"] = max_running_vcpus
        if max_running_vms is not UNSET:
            field_dict["max_running_vms"] = max_running_vms
        if max_vcpus is not UNSET:
            field_dict["max_vcpus"] = max_vcpus
        if max_vms is not UNSET:
            field_dict["max_vms"] = max_vms

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_max_disk_mib(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_disk_mib = _parse_max_disk_mib(d.pop("max_disk_mib", UNSET))

        def _parse_max_memory_mib(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_memory_mib = _parse_max_memory_mib(d.pop("max_memory_mib", UNSET))

        def _parse_max_running_memory_mib(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_running_memory_mib = _parse_max_running_memory_mib(
            d.pop("max_running_memory_mib", UNSET)
        )

        def _parse_max_running_vcpus(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_running_vcpus = _parse_max_running_vcpus(d.pop("max_running_vcpus", UNSET))

        def _parse_max_running_vms(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_running_vms = _parse_max_running_vms(d.pop("max_running_vms", UNSET))

        def _parse_max_vcpus(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_vcpus = _parse_max_vcpus(d.pop("max_vcpus", UNSET))

        def _parse_max_vms(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_vms = _parse_max_vms(d.pop("max_vms", UNSET))

        quota_limits = cls(
            max_disk_mib=max_disk_mib,
            max_memory_mib=max_memory_mib,
            max_running_memory_mib=max_running_memory_mib,
            max_running_vcpus=max_running_vcpus,
            max_running_vms=max_running_vms,
            max_vcpus=max_vcpus,
            max_vms=max_vms,
        )

        return quota_limits
