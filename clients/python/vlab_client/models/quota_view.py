from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.quota_limits import QuotaLimits
    from ..models.quota_usage import QuotaUsage


T = TypeVar("T", bound="QuotaView")


@_attrs_define
class QuotaView:
    """
    Attributes:
        limits (QuotaLimits): Limits; none means unlimited.
        usage (QuotaUsage):
    """

    limits: QuotaLimits
    usage: QuotaUsage
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        limits = self.limits.to_dict()

        usage = self.usage.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "limits": limits,
                "usage": usage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.quota_limits import QuotaLimits
        from ..models.quota_usage import QuotaUsage

        d = dict(src_dict)
        limits = QuotaLimits.from_dict(d.pop("limits"))

        usage = QuotaUsage.from_dict(d.pop("usage"))

        quota_view = cls(
            limits=limits,
            usage=usage,
        )

        quota_view.additional_properties = d
        return quota_view

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
