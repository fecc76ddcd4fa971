from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="KindStats")


@_attrs_define
class KindStats:
    """
    Attributes:
        cancelled (int):
        failed (int):
        failure_rate (float): Failed of those finished, 0 to 1.
        kind (str):
        succeeded (int):
        total (int):
        unfinished (int): Still pending or running.
        median_secs (float | None | Unset): Of those finished, from request to end.
    """

    cancelled: int
    failed: int
    failure_rate: float
    kind: str
    succeeded: int
    total: int
    unfinished: int
    median_secs: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cancelled = self.cancelled

        failed = self.failed

        failure_rate = self.failure_rate

        kind = self.kind

        succeeded = self.succeeded

        total = self.total

        unfinished = self.unfinished

        median_secs: float | None | Unset
        if isinstance(self.median_secs, Unset):
            median_secs = UNSET
        else:
            median_secs = self.median_secs

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cancelled": cancelled,
                "failed": failed,
                "failure_rate": failure_rate,
                "kind": kind,
                "succeeded": succeeded,
                "total": total,
                "unfinished": unfinished,
            }
        )
        if median_secs is not UNSET:
            field_dict["median_secs"] = median_secs

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        cancelled = d.pop("cancelled")

        failed = d.pop("failed")

        failure_rate = d.pop("failure_rate")

        kind = d.pop("kind")

        succeeded = d.pop("succeeded")

        total = d.pop("total")

        unfinished = d.pop("unfinished")

        def _parse_median_secs(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        median_secs = _parse_median_secs(d.pop("median_secs", UNSET))

        kind_stats = cls(
            cancelled=cancelled,
            failed=failed,
            failure_rate=failure_rate,
            kind=kind,
            succeeded=succeeded,
            total=total,
            unfinished=unfinished,
            median_secs=median_secs,
        )

        kind_stats.additional_properties = d
        return kind_stats

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
