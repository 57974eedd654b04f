"""Vietnam's administrative places and civil-service units, for simulated and generated data."""

from __future__ import annotations

# The 34 provinces and centrally-run cities since 1 July 2025 (Resolution 202/2025/QH15).
PROVINCES = (
    "Hà Nội", "TP. Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "An Giang",
    "Bắc Ninh", "Cà Mau", "Cao Bằng", "Đắk Lắk", "Điện Biên", "Đồng Nai", "Đồng Tháp",
    "Gia Lai", "Hà Tĩnh", "Hưng Yên", "Khánh Hòa", "Lai Châu", "Lâm Đồng", "Lạng Sơn",
    "Lào Cai", "Nghệ An", "Ninh Bình", "Phú Thọ", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sơn La", "Tây Ninh", "Thái Nguyên", "Thanh Hóa", "Tuyên Quang", "Vĩnh Long",
)  # fmt: skip
DEPARTMENTS = ("Sở Nội vụ", "Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo",
               "Sở Khoa học và Công nghệ", "Văn phòng UBND")  # fmt: skip
MINISTRIES = ("Bộ Nội vụ", "Bộ Tài chính", "Bộ Y tế", "Bộ Khoa học và Công nghệ")
MINISTRY_PARTS = ("Vụ Tổ chức cán bộ", "Văn phòng Bộ", "Vụ Kế hoạch - Tài chính",
                  "Cục Chuyển đổi số")  # fmt: skip
OFFICES = ("Phòng Tổng hợp", "Phòng Nghiệp vụ", "Phòng Hành chính")
