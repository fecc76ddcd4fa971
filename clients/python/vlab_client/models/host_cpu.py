from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="HostCpu")


@_attrs_define
class HostCpu:
    """
    Attributes:
        cores (int):
        load_15m (float):
        load_1m (float):
        load_5m (float):
        percent (float): Busy share of all cores, 0 to 100, over a quarter of a second.
    """

    cores: int
    load_15m: float
    load_1m: float
    load_5m: float
    percent: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cores = self.cores

        load_15m = self.load_15m

        load_1m = self.load_1m

        load_5m = self.load_5m

        percent = self.percent

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cores": cores,
                "load_15m": load_15m,
                "load_1m": load_1m,
                "load_5m": load_5m,
                "percent": percent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        cores = d.pop("cores")

        load_15m = d.pop("load_15m")

        load_1m = d.pop("load_1m")

        load_5m = d.pop("load_5m")

        percent = d.pop("percent")

        host_cpu = cls(
            cores=cores,
            load_15m=load_15m,
            load_1m=load_1m,
            load_5m=load_5m,
            percent=percent,
        )

        host_cpu.additional_properties = d
        return host_cpu

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
