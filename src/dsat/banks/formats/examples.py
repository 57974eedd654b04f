"""One example item per type, for the spreadsheet template."""

from __future__ import annotations

from typing import Any

from dsat.domain.items import ITEM_ADAPTER, Item

_EXAMPLES: list[dict[str, Any]] = [
    {
        "id": "example-single",
        "type": "single",
        "competency": "4.1",
        "level": 2,
        "stem": {
            "vi": "Mật khẩu nào an toàn nhất?",
            "en": "Which password is the safest?",
        },
        "options": [
            {"id": "a", "text": {"vi": "123456", "en": "123456"}},
            {"id": "b", "text": {"vi": "ngay-sinh-1990", "en": "birthday-1990"}},
            {
                "id": "c",
                "text": {"vi": "may-tinh-xanh-ca-phe-sang", "en": "green-computer-morning-coffee"},
            },
        ],
        "key": "c",
        "explanation": {
            "vi": "Cụm mật khẩu dài gồm nhiều từ ngẫu nhiên khó đoán nhất.",
            "en": "A long passphrase of random words is the hardest to guess.",
        },
    },
    {
        "id": "example-multiple",
        "type": "multiple",
        "competency": "4.1",
        "level": 3,
        "stem": {
            "vi": "Dấu hiệu nào cho thấy một email có thể là lừa đảo?",
            "en": "Which signs suggest an email may be phishing?",
        },
        "options": [
            {"id": "a", "text": {"vi": "Giục bạn làm ngay", "en": "It urges you to act now"}},
            {"id": "b", "text": {"vi": "Địa chỉ gửi lạ", "en": "An unfamiliar sender address"}},
            {"id": "c", "text": {"vi": "Gửi trong giờ làm việc", "en": "Sent in office hours"}},
        ],
        "key": ["a", "b"],
        "explanation": {
            "vi": "Sự gấp gáp và địa chỉ lạ là dấu hiệu lừa đảo; giờ gửi thì không.",
            "en": "Urgency and odd senders are phishing signs; the time sent is not.",
        },
    },
    {
        "id": "example-true-false",
        "type": "true_false",
        "competency": "4.2",
        "level": 2,
        "stem": {
            "vi": "Có thể gửi số CCCD của đồng nghiệp vào nhóm chat chung.",
            "en": "It is fine to post a colleague's ID number in a group chat.",
        },
        "key": False,
        "explanation": {
            "vi": "Số định danh là dữ liệu cá nhân; chỉ chia sẻ khi cần và qua kênh an toàn.",
            "en": "ID numbers are personal data; share them only when needed, securely.",
        },
    },
    {
        "id": "example-short-answer",
        "type": "short_answer",
        "competency": "3.1",
        "level": 3,
        "stem": {
            "vi": "Phím tắt để sao chép trong Windows là Ctrl + ?",
            "en": "The Windows shortcut to copy is Ctrl + ?",
        },
        "answers": ["C"],
        "explanation": {"vi": "Ctrl + C sao chép, Ctrl + V dán.", "en": "Ctrl + C copies."},
    },
    {
        "id": "example-numerical",
        "type": "numerical",
        "competency": "5.2",
        "level": 3,
        "stem": {
            "vi": "Một tệp 2 GB bằng bao nhiêu MB (theo 1 GB = 1024 MB)?",
            "en": "How many MB is a 2 GB file (1 GB = 1024 MB)?",
        },
        "answer": 2048,
        "unit": {"vi": "MB", "en": "MB"},
        "explanation": {"vi": "2 × 1024 = 2048 MB.", "en": "2 × 1024 = 2048 MB."},
    },
    {
        "id": "example-matching",
        "type": "matching",
        "competency": "2.1",
        "level": 2,
        "stem": {"vi": "Ghép công cụ với công dụng.", "en": "Match each tool to its use."},
        "pairs": [
            {
                "left": {"vi": "Thư điện tử", "en": "Email"},
                "right": {"vi": "Gửi văn bản chính thức", "en": "Send formal documents"},
            },
            {
                "left": {"vi": "Họp trực tuyến", "en": "Video meeting"},
                "right": {"vi": "Trao đổi trực tiếp từ xa", "en": "Talk face to face remotely"},
            },
        ],
        "distractors": [{"vi": "Chỉnh sửa ảnh", "en": "Edit photos"}],
        "explanation": {
            "vi": "Mỗi công cụ phù hợp một mục đích.",
            "en": "Each tool suits one purpose.",
        },
    },
    {
        "id": "example-ordering",
        "type": "ordering",
        "competency": "4.1",
        "level": 3,
        "stem": {
            "vi": "Sắp xếp các bước bật xác thực hai lớp.",
            "en": "Order the steps to turn on two-factor authentication.",
        },
        "steps": [
            {"vi": "Mở cài đặt bảo mật", "en": "Open the security settings"},
            {"vi": "Chọn xác thực hai lớp", "en": "Choose two-factor authentication"},
            {"vi": "Nhập mã xác nhận", "en": "Enter the confirmation code"},
        ],
        "explanation": {
            "vi": "Vào cài đặt, bật tính năng, rồi xác nhận bằng mã.",
            "en": "Open settings, turn it on, then confirm with a code.",
        },
    },
    {
        "id": "example-self-rating",
        "type": "self_rating",
        "competency": "1.1",
        "level": 2,
        "stem": {
            "vi": "Tôi tìm được thông tin cần thiết trên Cổng Dịch vụ công quốc gia.",
            "en": "I can find what I need on the National Public Service Portal.",
        },
    },
]


def example_items() -> list[Item]:
    return [ITEM_ADAPTER.validate_python(e) for e in _EXAMPLES]
