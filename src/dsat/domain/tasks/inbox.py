"""Inbox tasks: 6 to 10 messages, genuine mail among Vietnamese lures, each to be marked
safe, phishing (a scam aimed at the person: delete it) or report (a scam aimed at the
agency's own systems and accounts: report it to the IT unit so colleagues are warned).

What tells them apart is what a careful reader checks: the sender's real address, where
each link really goes (shown when the link is focused), and the attachment's real type.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dsat.domain.tasks import common as c
from dsat.domain.tasks.model import Link, Message, TaskKey, TaskView
from dsat.domain.tasks.registry import Template, register
from dsat.domain.text import LocalizedText


def slug(name: str) -> str:
    """'Thanh Hóa' -> 'thanhhoa', 'TP. Hồ Chí Minh' -> 'hochiminh' (as agencies' domains)."""
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    plain = plain.replace("tp. ", "")
    return "".join(ch for ch in plain if ch.isalnum())


class Context:
    """The candidate's agency in this variant: its domain and its systems' addresses."""

    def __init__(self, rng: random.Random):
        self.province = c.province(rng)
        self.domain = f"{slug(self.province)}.gov.vn"
        self.eoffice = f"https://qlvb.{self.domain}"
        self.mail = f"https://mail.{self.domain}"
        self.department = c.department(rng)
        self.colleague = c.full_name(rng)
        self.colleague_address = _address(self.colleague, self.domain)
        self.day = c.day_in(rng, 2026, 9, 11)
        self.rng = rng

    def when(self) -> str:
        return f"{c.dmy(self.day)} {self.rng.randint(7, 17):02d}:{self.rng.randint(0, 59):02d}"

    def lookalike(self) -> str:
        """A domain made to pass for the agency's at a glance."""
        s = self.domain.removesuffix(".gov.vn")
        return self.rng.choice((
            f"{s}-gov.vn", f"{s}.gov.vn.xacthuc-taikhoan.com", f"gov-{s}.vn", f"{s}.govv.vn",
            f"{s}.gov.vn-secure.top", f"mail-{s}-gov.com",
        ))  # fmt: skip


def _address(name: str, domain: str) -> str:
    parts = slug(name.split()[-1]), "".join(slug(p)[0] for p in name.split()[:-1])
    return f"{parts[0]}{parts[1]}@{domain}"


Built = tuple[Message, str]  # the message and its right mark


# --- lures aimed at the person (phishing) ----------------------------------------------------
def _vneid(ctx: Context) -> Built:
    host = ctx.rng.choice(("vneid-xacthuc.com", "vneid.gov.vn.capnhat-muc2.top", "vneld.vn"))
    return Message(
        sender_name="VNeID - Bộ Công an",
        sender_address=f"thongbao@{host}",
        subject=c.both(
            "Tài khoản định danh mức 2 sắp bị khóa", "Your level-2 identity account will be locked"
        ),
        body=c.both(
            "Tài khoản định danh điện tử mức 2 của bạn chưa được cập nhật. Vui lòng xác thực "
            "lại trong 24 giờ để tránh bị khóa.",
            "Your level-2 electronic identity account has not been updated. Please verify it "
            "again within 24 hours to avoid it being locked.",
        ),
        received=ctx.when(),
        links=(Link(text="https://vneid.gov.vn/xac-thuc", target=f"https://{host}/login"),),
    ), "phishing"


def _social_insurance(ctx: Context) -> Built:
    amount = c.grouped(c.money_vnd(ctx.rng, 1_200_000, 4_800_000))
    host = ctx.rng.choice(
        ("baohiemxahoi-hoantien.com", "bhxh-vn.online", "baohiemxahoi.gov.vn.hoantra.cc")
    )
    return Message(
        sender_name="Bảo hiểm xã hội Việt Nam",
        sender_address=f"hoantien@{host}",
        subject=c.both(
            f"Bạn được hoàn {amount} đồng tiền đóng BHXH",
            f"You are due a refund of {amount} VND of social insurance",
        ),
        body=c.both(
            "Hệ thống ghi nhận bạn đóng thừa. Nhập số tài khoản ngân hàng và mã OTP để nhận tiền.",
            "Our records show you overpaid. Enter your bank account number and the OTP code to "
            "receive the money.",
        ),
        received=ctx.when(),
        links=(Link(text="Nhận tiền hoàn / Get the refund", target=f"https://{host}/nhan-tien"),),
    ), "phishing"


def _traffic_fine(ctx: Context) -> Built:
    plate = f"{ctx.rng.randint(11, 99)}A-{ctx.rng.randint(100, 999)}.{ctx.rng.randint(10, 99)}"
    return Message(
        sender_name="Cục Cảnh sát giao thông",
        sender_address="phatnguoi@csgt-vn.info",
        subject=c.both(
            f"Thông báo phạt nguội xe {plate}", f"Camera fine notice for vehicle {plate}"
        ),
        body=c.both(
            "Phương tiện của bạn vi phạm tốc độ. Nộp phạt trực tuyến trong 48 giờ để được giảm "
            "50 %. Chi tiết trong tệp đính kèm.",
            "Your vehicle broke the speed limit. Pay online within 48 hours for a 50 % "
            "reduction. Details are attached.",
        ),
        received=ctx.when(),
        attachments=(f"BienBan_{plate.replace('.', '')}.pdf.exe",),
    ), "phishing"


def _parcel(ctx: Context) -> Built:
    fee = c.grouped(ctx.rng.choice((15_000, 25_000, 32_000)))
    return Message(
        sender_name="VNPost",
        sender_address="giaohang@vnpost-phigiao.com",
        subject=c.both("Bưu phẩm của bạn bị giữ lại", "Your parcel is on hold"),
        body=c.both(
            f"Bưu phẩm chưa thể giao do thiếu phí {fee} đồng. Thanh toán bằng thẻ để giao lại.",
            f"The parcel could not be delivered: a fee of {fee} VND is missing. Pay by card to "
            "have it delivered again.",
        ),
        received=ctx.when(),
        links=(Link(text="vnpost.vn/tra-cuu", target="https://vnpost-phigiao.com/pay"),),
    ), "phishing"


# --- lures aimed at the agency (report) -------------------------------------------------------
def _eoffice(ctx: Context) -> Built:
    fake = ctx.lookalike()
    return Message(
        sender_name="Hệ thống Quản lý văn bản và điều hành",
        sender_address=f"qlvb@{fake}",
        subject=c.both("Văn bản đến cần xử lý gấp", "Incoming document to be handled urgently"),
        body=c.both(
            "Bạn có 1 văn bản đến chưa xử lý. Đăng nhập để ký duyệt trước 17:00 hôm nay.",
            "You have 1 incoming document not yet handled. Sign in to approve it before 17:00 "
            "today.",
        ),
        received=ctx.when(),
        links=(Link(text=f"{ctx.eoffice}/van-ban-den", target=f"https://qlvb.{fake}/dang-nhap"),),
    ), "report"


def _quota(ctx: Context) -> Built:
    fake = ctx.lookalike()
    return Message(
        sender_name="Quản trị hệ thống thư công vụ",
        sender_address=f"admin@{fake}",
        subject=c.both("Hộp thư đã đầy 98 %", "Your mailbox is 98 % full"),
        body=c.both(
            "Thư mới sẽ bị trả lại. Xác nhận mật khẩu để được cấp thêm dung lượng miễn phí.",
            "New mail will bounce. Confirm your password to get more space free of charge.",
        ),
        received=ctx.when(),
        links=(Link(text=f"{ctx.mail}/nang-cap", target=f"https://{fake}/owa/auth"),),
    ), "report"


def _boss(ctx: Context) -> Built:
    boss = c.full_name(ctx.rng)
    return Message(
        sender_name=f"{boss} - Giám đốc {ctx.department}",
        sender_address=f"{slug(boss.split()[-1])}.giamdoc@gmail.com",
        subject=c.both("Việc gấp, giữ kín", "Urgent and confidential"),
        body=c.both(
            "Anh/chị đang họp, không nghe máy được. Em mua giúp 10 thẻ quà tặng 500.000 đồng và "
            "gửi mã qua thư này, chiều anh/chị chuyển lại.",
            "I am in a meeting and cannot take calls. Please buy ten 500,000 VND gift cards and "
            "send me the codes by reply; I will pay you back this afternoon.",
        ),
        received=ctx.when(),
    ), "report"


def _shared_document(ctx: Context) -> Built:
    fake = ctx.lookalike()
    name = ctx.colleague
    return Message(
        sender_name=name,
        sender_address=_address(name, fake),
        subject=c.both("Gửi anh/chị dự thảo kế hoạch", "The draft plan for you"),
        body=c.both(
            "Em gửi dự thảo kế hoạch chuyển đổi số, anh/chị mở tệp và bật “Enable content” để "
            "xem đủ bảng biểu.",
            "Here is the draft digital-transformation plan; open the file and click “Enable "
            "content” to see all the tables.",
        ),
        received=ctx.when(),
        attachments=("Du_thao_ke_hoach_CDS.docm",),
    ), "report"


# --- genuine mail (safe) ------------------------------------------------------------------------
def _meeting(ctx: Context) -> Built:
    return Message(
        sender_name=ctx.colleague,
        sender_address=ctx.colleague_address,
        subject=c.both("Mời họp giao ban tuần", "Weekly briefing invitation"),
        body=c.both(
            "Mời anh/chị dự họp giao ban lúc 8:30 thứ Hai tại phòng họp tầng 3. Tài liệu đã "
            "đăng trên hệ thống quản lý văn bản.",
            "You are invited to the weekly briefing at 8:30 on Monday in the 3rd-floor meeting "
            "room. The papers are in the document management system.",
        ),
        received=ctx.when(),
        links=(Link(text="Tài liệu họp / Meeting papers", target=f"{ctx.eoffice}/lich-hop"),),
    ), "safe"


def _maintenance(ctx: Context) -> Built:
    return Message(
        sender_name="Trung tâm Công nghệ thông tin",
        sender_address=f"cntt@{ctx.domain}",
        subject=c.both(
            "Bảo trì hệ thống thư công vụ tối thứ Bảy",
            "Official mail maintenance on Saturday night",
        ),
        body=c.both(
            "Hệ thống thư công vụ tạm dừng từ 22:00 đến 24:00 thứ Bảy để bảo trì. Anh/chị không "
            "cần làm gì. Bộ phận CNTT không bao giờ hỏi mật khẩu qua thư.",
            "Official mail will be down from 22:00 to 24:00 on Saturday for maintenance. You "
            "need not do anything. The IT unit never asks for passwords by email.",
        ),
        received=ctx.when(),
    ), "safe"


def _training(ctx: Context) -> Built:
    return Message(
        sender_name=f"Sở Nội vụ {ctx.province}",
        sender_address=f"sonoivu@{ctx.domain}",
        subject=c.both(
            "Lịch bồi dưỡng kỹ năng số năm 2026", "Digital-skills training schedule for 2026"
        ),
        body=c.both(
            "Sở Nội vụ gửi lịch các lớp bồi dưỡng kỹ năng số. Đăng ký trên hệ thống quản lý văn "
            "bản trước ngày 15.",
            "The Department of Home Affairs sends the schedule of the digital-skills classes. "
            "Register in the document management system before the 15th.",
        ),
        received=ctx.when(),
        attachments=("Lich_boi_duong_2026.pdf",),
        links=(Link(text="Đăng ký / Register", target=f"{ctx.eoffice}/dang-ky-boi-duong"),),
    ), "safe"


def _portal(ctx: Context) -> Built:
    return Message(
        sender_name="Cổng Dịch vụ công quốc gia",
        sender_address="noreply@dichvucong.gov.vn",
        subject=c.both("Hồ sơ của bạn đã được tiếp nhận", "Your application has been received"),
        body=c.both(
            f"Hồ sơ số {ctx.rng.randint(100000, 999999)} đã được tiếp nhận. Theo dõi tình trạng "
            "hồ sơ khi đăng nhập Cổng.",
            f"Application no. {ctx.rng.randint(100000, 999999)} has been received. Follow its "
            "status after signing in to the Portal.",
        ),
        received=ctx.when(),
        links=(
            Link(
                text="dichvucong.gov.vn",
                target="https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html",
            ),
        ),
    ), "safe"


PERSONAL: tuple[Callable[[Context], Built], ...] = (
    _vneid,
    _social_insurance,
    _traffic_fine,
    _parcel,
)
WORK: tuple[Callable[[Context], Built], ...] = (_eoffice, _quota, _boss, _shared_document)
GENUINE: tuple[Callable[[Context], Built], ...] = (_meeting, _maintenance, _training, _portal)


class InboxSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    messages_min: Annotated[int, Field(ge=6, le=10)] = 6
    messages_max: Annotated[int, Field(ge=6, le=10)] = 10

    @model_validator(mode="after")
    def _ordered(self) -> InboxSettings:
        if self.messages_min > self.messages_max:
            raise ValueError("messages_min must not exceed messages_max")
        return self


def _inbox(rng: random.Random, settings: InboxSettings) -> tuple[list[Message], list[str], Context]:
    ctx = Context(rng)
    n = rng.randint(settings.messages_min, settings.messages_max)
    # 2 to 4 genuine messages, 2 to 4 work lures, 1 to 4 personal lures, each kind once
    splits = [
        (g, w, n - g - w)
        for g in range(2, len(GENUINE) + 1)
        for w in range(2, len(WORK) + 1)
        if 1 <= n - g - w <= len(PERSONAL)
    ]
    n_genuine, n_work, n_personal = rng.choice(splits)
    makers = (
        rng.sample(GENUINE, n_genuine) + rng.sample(WORK, n_work) + rng.sample(PERSONAL, n_personal)
    )
    rng.shuffle(makers)
    built = [make(ctx) for make in makers]
    return [m for m, _ in built], [mark for _, mark in built], ctx


@register
class PhishingInbox(Template):
    name = "inbox.phishing"
    kind = "inbox"
    answer_kind = "marks"
    steps = 4
    title = c.both(
        "Phân loại hộp thư: thư thật và thư lừa đảo", "Sort an inbox: genuine mail and lures"
    )
    Settings = InboxSettings

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        messages, marks, ctx = _inbox(rng, settings)
        prompt = c.both(
            f"Bạn làm việc tại {ctx.department} tỉnh/thành {ctx.province}; thư công vụ và các "
            f"hệ thống của cơ quan dùng tên miền {ctx.domain}. Đánh dấu từng thư: An toàn, "
            "Lừa đảo (nhắm vào cá nhân bạn: xóa đi) hoặc Báo cáo CNTT (giả danh cơ quan hay hệ "
            "thống công vụ: báo bộ phận CNTT). Đặt con trỏ vào liên kết để xem địa chỉ thật.",
            f"You work at {ctx.department} of {ctx.province}; official mail and the agency's "
            f"systems use the domain {ctx.domain}. Mark each message: Safe, Phishing (aimed at "
            "you personally: delete it) or Report to IT (impersonates your agency or a work "
            "system: tell the IT unit). Focus a link to see where it really goes.",
        )
        working = _working(messages, marks)
        view = TaskView(
            template=self.name, kind="inbox", answer_kind="marks", prompt=prompt,
            messages=tuple(messages),
        )  # fmt: skip
        return view, TaskKey(marks=tuple(marks), working=working)


REASON: dict[str, LocalizedText] = {
    "safe": c.both("thư thật từ đúng tên miền", "genuine, from the right domain"),
    "phishing": c.both("lừa đảo nhắm vào cá nhân", "a lure aimed at you personally"),
    "report": c.both(
        "giả danh cơ quan hoặc hệ thống công vụ", "impersonates the agency or a work system"
    ),
}


def _working(messages: list[Message], marks: list[str]) -> LocalizedText:
    vi, en = [], []
    for i, (m, mark) in enumerate(zip(messages, marks, strict=True), start=1):
        vi.append(f"{i}. {m.subject.vi} ({m.sender_address}): {REASON[mark].vi}")
        en.append(f"{i}. {m.subject.en} ({m.sender_address}): {REASON[mark].en}")
    return LocalizedText(vi="\n".join(vi), en="\n".join(en))


# --- personal data: requests for your data, for the agency's data, and genuine ones --------
def _id_photos_bank(ctx: Context) -> Built:
    host = ctx.rng.choice(
        ("xacthuc-sinhtrachoc.com", "nganhang-capnhat-cccd.net", "ebank-sinhtrac.online")
    )
    return Message(
        sender_name="Trung tâm Dịch vụ khách hàng - Ngân hàng",
        sender_address=f"cskh@{host}",
        subject=c.both(
            "Tài khoản sẽ bị tạm dừng giao dịch nếu chưa cập nhật căn cước",
            "Your account will be suspended unless you update your ID card",
        ),
        body=c.both(
            "Để tiếp tục giao dịch, quý khách chụp hai mặt thẻ căn cước và một ảnh chân dung, "
            "tải lên qua đường liên kết dưới đây trước 17:00 hôm nay.",
            "To keep using your account, photograph both sides of your ID card and your face, "
            "and upload them at the link below before 17:00 today.",
        ),
        received=ctx.when(),
        links=(Link(text="Cập nhật thông tin / Update now", target=f"https://{host}/upload"),),
    ), "phishing"


def _sim_standardise(ctx: Context) -> Built:
    host = ctx.rng.choice(("chuanhoa-thuebao.net", "thuebao-didong-vn.com", "capnhat-sim.info"))
    return Message(
        sender_name="Tổng đài chuẩn hóa thông tin thuê bao",
        sender_address=f"hotro@{host}",
        subject=c.both(
            "Sim của bạn sẽ bị khóa hai chiều sau 24 giờ",
            "Your SIM card will be cut off in 24 hours",
        ),
        body=c.both(
            "Thông tin thuê bao của bạn chưa khớp với Cơ sở dữ liệu quốc gia về dân cư. Trả lời "
            "thư này kèm ảnh hai mặt căn cước và ảnh chân dung cầm thẻ để giữ số.",
            "Your subscriber details do not match the National Population Database. Reply with "
            "photos of both sides of your ID card and of you holding it to keep your number.",
        ),
        received=ctx.when(),
    ), "phishing"


def _loan_offer(ctx: Context) -> Built:
    amount = c.money(ctx.rng.choice((30_000_000, 50_000_000, 80_000_000)))
    host = ctx.rng.choice(("vaynhanh-online24h.com", "giaingan-tucthi.net", "vaytinchap-vn.top"))
    return Message(
        sender_name="Hỗ trợ vay tiêu dùng",
        sender_address=f"duyet@{host}",
        subject=c.both(
            f"Khoản vay {amount.vi} của anh/chị đã được duyệt",
            f"Your loan of {amount.en} has been approved",
        ),
        body=c.both(
            "Hồ sơ của anh/chị đã được duyệt, không cần thế chấp. Gửi ảnh căn cước, số tài "
            "khoản ngân hàng và mã OTP vừa nhận để giải ngân ngay trong ngày.",
            "Your application has been approved with no collateral. Send a photo of your ID "
            "card, your bank account number and the OTP code you just received to get the "
            "money today.",
        ),
        received=ctx.when(),
        links=(Link(text="Nhận giải ngân / Get the money", target=f"https://{host}/nhan-tien"),),
    ), "phishing"


def _vneid_form(ctx: Context) -> Built:
    host = ctx.rng.choice(("vneid-capnhat.com", "dancu-vneid.net", "vneid.gov.vn.tokhai.top"))
    return Message(
        sender_name="Cơ sở dữ liệu quốc gia về dân cư",
        sender_address=f"capnhat@{host}",
        subject=c.both(
            "Yêu cầu bổ sung thông tin cư trú trước ngày 30",
            "Residence details to be completed before the 30th",
        ),
        body=c.both(
            "Thông tin cư trú của bạn còn thiếu. Điền tờ khai trực tuyến với số định danh cá "
            "nhân, mật khẩu VNeID và mã OTP để tránh bị xử phạt.",
            "Your residence details are incomplete. Fill in the online form with your personal "
            "identification number, your VNeID password and the OTP code to avoid a fine.",
        ),
        received=ctx.when(),
        links=(Link(text="https://vneid.gov.vn/to-khai", target=f"https://{host}/to-khai"),),
    ), "phishing"


def _staff_list_request(ctx: Context) -> Built:
    fake = ctx.lookalike()
    return Message(
        sender_name=f"Sở Nội vụ {ctx.province}",
        sender_address=f"sonoivu@{fake}",
        subject=c.both(
            "Khẩn: gửi danh sách cán bộ để rà soát", "Urgent: send the staff list for a review"
        ),
        body=c.both(
            "Đề nghị đơn vị gửi ngay danh sách cán bộ gồm số định danh cá nhân, ngày sinh, địa "
            "chỉ thường trú và số điện thoại, dạng Excel, về địa chỉ rasoat.sonoivu@gmail.com "
            "trong hôm nay.",
            "Your unit must send today the list of its staff with their personal identification "
            "numbers, dates of birth, home addresses and phone numbers, as an Excel file, to "
            "rasoat.sonoivu@gmail.com.",
        ),
        received=ctx.when(),
    ), "report"


def _vendor_export(ctx: Context) -> Built:
    vendor = ctx.rng.choice(("vietsoft-solutions.com", "smartgov-tech.net", "egov-partner.com"))
    return Message(
        sender_name="Bộ phận triển khai phần mềm một cửa",
        sender_address=f"trienkhai@{vendor}",
        subject=c.both("Chuyển dữ liệu sang phiên bản mới", "Moving the data to the new version"),
        body=c.both(
            "Để nâng cấp phần mềm một cửa, anh/chị xuất toàn bộ danh sách người dân đã nộp hồ sơ "
            "(họ tên, số căn cước, số điện thoại) và tải lên thư mục chia sẻ của chúng tôi.",
            "To upgrade the one-stop software, please export the whole list of citizens who "
            "applied (names, ID card numbers, phone numbers) and upload it to our shared "
            "folder.",
        ),
        received=ctx.when(),
        links=(
            Link(
                text="Thư mục tải lên / Upload folder",
                target=f"https://drive-share-upload.com/{vendor.split('.')[0]}",
            ),
        ),
    ), "report"


def _fake_inspection(ctx: Context) -> Built:
    fake = ctx.lookalike()
    return Message(
        sender_name="Đoàn kiểm tra bảo vệ dữ liệu cá nhân",
        sender_address=f"kiemtra@{fake}",
        subject=c.both(
            "Kê khai hoạt động xử lý dữ liệu cá nhân trước khi kiểm tra",
            "Declare your personal data processing before the inspection",
        ),
        body=c.both(
            "Đơn vị thuộc diện kiểm tra. Cán bộ đăng nhập bằng tài khoản thư công vụ tại đường "
            "liên kết dưới đây và tải lên hồ sơ nhân sự của đơn vị trước thứ Sáu.",
            "Your unit is to be inspected. Sign in with your official mail account at the link "
            "below and upload your unit's personnel files before Friday.",
        ),
        received=ctx.when(),
        links=(Link(text=f"{ctx.mail}/kiem-tra", target=f"https://{fake}/kiem-tra/dang-nhap"),),
    ), "report"


def _colleague_zalo(ctx: Context) -> Built:
    name = ctx.colleague
    user = slug(name.split()[-1]) + str(ctx.rng.randint(80, 99))
    return Message(
        sender_name=name,
        sender_address=f"{user}@gmail.com",
        subject=c.both("Gửi gấp giúp anh/chị file danh sách", "Please send me the list quickly"),
        body=c.both(
            "Máy cơ quan của anh/chị đang hỏng. Em gửi gấp file danh sách hộ nhận trợ cấp có số "
            "căn cước qua Zalo hoặc trả lời thư này nhé, đừng gửi qua hệ thống văn bản "
            "vì chậm.",
            "My office computer is broken. Please send me the file of households receiving "
            "allowances, with their ID card numbers, on Zalo or by replying here; not through "
            "the document system, it is too slow.",
        ),
        received=ctx.when(),
    ), "report"


def _hr_profile(ctx: Context) -> Built:
    return Message(
        sender_name="Phòng Tổ chức cán bộ",
        sender_address=f"tccb@{ctx.domain}",
        subject=c.both(
            "Rà soát hồ sơ cán bộ trên phần mềm quản lý", "Check your staff record in the HR system"
        ),
        body=c.both(
            "Đề nghị anh/chị đăng nhập phần mềm quản lý cán bộ của cơ quan để tự kiểm tra và "
            "cập nhật thông tin của mình trước ngày 20. Không gửi giấy tờ qua thư điện tử.",
            "Please sign in to the agency's staff management system to check and update your "
            "own record before the 20th. Do not send any papers by email.",
        ),
        received=ctx.when(),
        links=(
            Link(
                text="Phần mềm quản lý cán bộ / HR system",
                target=f"https://nhansu.{ctx.domain}/ho-so-ca-nhan",
            ),
        ),
    ), "safe"


def _data_reminder(ctx: Context) -> Built:
    return Message(
        sender_name="Trung tâm Công nghệ thông tin",
        sender_address=f"cntt@{ctx.domain}",
        subject=c.both(
            "Nhắc việc: gửi tệp có dữ liệu cá nhân đúng cách",
            "Reminder: sending files with personal data the right way",
        ),
        body=c.both(
            "Từ 01/01/2026, Luật Bảo vệ dữ liệu cá nhân (số 91/2025/QH15) có hiệu lực. Tệp có dữ "
            "liệu cá nhân của người dân chỉ gửi qua hệ thống quản lý văn bản, không gửi qua thư "
            "cá nhân hay mạng xã hội. Thư này không cần trả lời.",
            "The Law on Personal Data Protection (No. 91/2025/QH15) has applied since 1 January "
            "2026. Files with citizens' personal data go only through the document management "
            "system, never by personal mail or social networks. No reply is needed.",
        ),
        received=ctx.when(),
    ), "safe"


def _citizen_request(ctx: Context) -> Built:
    name = c.full_name(ctx.rng)
    user = slug(name.split()[-1]) + "." + slug(name.split()[0]) + str(ctx.rng.randint(60, 99))
    return Message(
        sender_name=name,
        sender_address=f"{user}@gmail.com",
        subject=c.both(
            "Xin hướng dẫn sửa ngày sinh bị ghi sai", "How can I correct a wrong date of birth?"
        ),
        body=c.both(
            "Hồ sơ của tôi ở cơ quan ghi sai ngày sinh. Xin cho biết thủ tục để xem và sửa lại "
            "thông tin; tôi sẽ mang căn cước đến Bộ phận một cửa để đối chiếu, không gửi giấy "
            "tờ qua thư.",
            "My record at your office has my date of birth wrong. Please tell me how to see and "
            "correct my details; I will bring my ID card to the one-stop desk to be checked and "
            "will not send papers by email.",
        ),
        received=ctx.when(),
    ), "safe"


def _dp_training(ctx: Context) -> Built:
    return Message(
        sender_name=f"Sở Nội vụ {ctx.province}",
        sender_address=f"sonoivu@{ctx.domain}",
        subject=c.both(
            "Mời dự lớp bồi dưỡng về bảo vệ dữ liệu cá nhân",
            "Invitation to a personal data protection course",
        ),
        body=c.both(
            "Sở Nội vụ tổ chức lớp bồi dưỡng về bảo vệ dữ liệu cá nhân trong cơ quan nhà nước. "
            "Kế hoạch lớp học đính kèm; đăng ký trên hệ thống quản lý văn bản.",
            "The Department of Home Affairs runs a course on personal data protection in public "
            "bodies. The course plan is attached; register in the document management system.",
        ),
        received=ctx.when(),
        attachments=("Ke_hoach_lop_BVDLCN.pdf",),
        links=(Link(text="Đăng ký / Register", target=f"{ctx.eoffice}/dang-ky-lop-hoc"),),
    ), "safe"


DATA_PERSONAL: tuple[Callable[[Context], Built], ...] = (
    _id_photos_bank, _sim_standardise, _loan_offer, _vneid_form,
)  # fmt: skip
DATA_AGENCY: tuple[Callable[[Context], Built], ...] = (
    _staff_list_request, _vendor_export, _fake_inspection, _colleague_zalo,
)  # fmt: skip
DATA_GENUINE: tuple[Callable[[Context], Built], ...] = (
    _hr_profile, _data_reminder, _citizen_request, _dp_training, _portal,
)  # fmt: skip


@register
class PersonalDataInbox(Template):
    """An inbox of requests for personal data: lures after your own (ID-card photos, OTP
    codes, VNeID password), requests that would take citizens' or staff data out of the
    agency (to be reported), and genuine mail that asks nothing risky."""

    name = "inbox.personal_data"
    kind = "inbox"
    answer_kind = "marks"
    steps = 4
    title = c.both(
        "Nhận ra thư đòi dữ liệu cá nhân trái phép", "Spot mail that asks for personal data"
    )
    Settings = InboxSettings

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        ctx = Context(rng)
        n = rng.randint(settings.messages_min, settings.messages_max)
        splits = [
            (g, w, n - g - w)
            for g in range(2, len(DATA_GENUINE) + 1)
            for w in range(2, len(DATA_AGENCY) + 1)
            if 1 <= n - g - w <= len(DATA_PERSONAL)
        ]
        n_genuine, n_agency, n_personal = rng.choice(splits)
        makers = (
            rng.sample(DATA_GENUINE, n_genuine)
            + rng.sample(DATA_AGENCY, n_agency)
            + rng.sample(DATA_PERSONAL, n_personal)
        )
        rng.shuffle(makers)
        built = [make(ctx) for make in makers]
        messages, marks = [m for m, _ in built], [mark for _, mark in built]
        prompt = c.both(
            f"Bạn làm việc tại {ctx.department} tỉnh/thành {ctx.province}; thư công vụ và các "
            f"hệ thống của cơ quan dùng tên miền {ctx.domain}. Đánh dấu từng thư: An toàn (thư "
            "thật, không đòi gì rủi ro), Lừa đảo (tìm cách lấy dữ liệu cá nhân, tiền hay mật "
            "khẩu của riêng bạn: xóa đi) hoặc Báo cáo CNTT (tìm cách lấy dữ liệu của người dân, "
            "cán bộ hay tài khoản công vụ: báo bộ phận CNTT). Đặt con trỏ vào liên kết để xem "
            "địa chỉ thật.",
            f"You work at {ctx.department} of {ctx.province}; official mail and the agency's "
            f"systems use the domain {ctx.domain}. Mark each message: Safe (genuine, asks for "
            "nothing risky), Phishing (after your own personal data, money or passwords: delete "
            "it) or Report to IT (after citizens' or staff data, or a work account: tell the IT "
            "unit). Focus a link to see where it really goes.",
        )
        vi, en = [], []
        for i, (m, mark) in enumerate(zip(messages, marks, strict=True), start=1):
            vi.append(f"{i}. {m.subject.vi} ({m.sender_address}): {DATA_REASON[mark].vi}")
            en.append(f"{i}. {m.subject.en} ({m.sender_address}): {DATA_REASON[mark].en}")
        working = LocalizedText(vi="\n".join(vi), en="\n".join(en))
        view = TaskView(
            template=self.name, kind="inbox", answer_kind="marks", prompt=prompt,
            messages=tuple(messages),
        )  # fmt: skip
        return view, TaskKey(marks=tuple(marks), working=working)


DATA_REASON: dict[str, LocalizedText] = {
    "safe": c.both(
        "thư thật, không đòi gửi dữ liệu ra ngoài", "genuine, asks for no data to be sent out"
    ),
    "phishing": c.both(
        "đòi dữ liệu cá nhân hay mã OTP của chính bạn", "after your own personal data or OTP"
    ),
    "report": c.both(
        "đòi dữ liệu của người dân, cán bộ hay tài khoản công vụ",
        "after citizens' or staff data, or a work account",
    ),
}
