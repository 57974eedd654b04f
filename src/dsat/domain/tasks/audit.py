"""Data tasks of an audit: who can open the files of a shared drive, and how much
electricity the devices left on after hours use."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from dsat.domain.tasks import common as c
from dsat.domain.tasks.data import RowSettings
from dsat.domain.tasks.model import Column, Table, TaskKey, TaskView
from dsat.domain.tasks.registry import Template, register
from dsat.domain.text import LocalizedText

# --- sharing audit -------------------------------------------------------------------------
SHARING: dict[str, LocalizedText] = c.labels({
    "private": ("Chỉ chủ sở hữu", "Owner only"),
    "people": ("Người được chỉ định", "Specific people"),
    "agency": ("Mọi người trong cơ quan", "Everyone in the agency"),
    "link": ("Bất kỳ ai có đường liên kết", "Anyone with the link"),
    "public": ("Công khai trên web", "Public on the web"),
})  # fmt: skip
OUTSIDE = ("link", "public")  # the settings that let people outside the agency open a file
YES_NO: dict[str, LocalizedText] = c.labels({"yes": ("Có", "Yes"), "no": ("Không", "No")})
# File names that hold personal data, and names that do not ({} is filled in).
PERSONAL_FILES = (
    "Danh_sach_ho_ngheo_{place}.xlsx", "Bang_luong_thang_{month}_2026.xlsx",
    "Ho_so_ung_vien_tuyen_dung_{n}.pdf", "Danh_sach_nhan_tro_cap_{place}.xlsx",
    "Ban_chup_CCCD_{n}.pdf", "Ho_so_can_bo_{n}.docx", "Danh_sach_phan_anh_nguoi_dan_T{month}.xlsx",
    "Danh_sach_hoc_vien_lop_{n}.xlsx", "Don_khieu_nai_{n}.pdf", "Danh_ba_can_bo_2026.xlsx",
)  # fmt: skip
OTHER_FILES = (
    "Ke_hoach_chuyen_doi_so_2026.docx", "Bao_cao_quy_{quarter}_2026.pdf",
    "Mau_to_trinh_{n}.docx", "Lich_cong_tac_thang_{month}.xlsx", "Quy_che_lam_viec.pdf",
    "Bai_giang_an_toan_thong_tin_{n}.pptx", "Du_toan_ngan_sach_2026_v{n}.xlsx",
    "Thong_bao_lich_nghi_le_2026.pdf", "So_tay_huong_dan_dich_vu_cong.pdf",
    "Bieu_mau_bao_cao_thong_ke_{n}.xlsx",
)  # fmt: skip


def _file_name(rng: random.Random, pattern: str, places: list[str]) -> str:
    place = c.unaccented(rng.choice(places)).replace(" ", "")
    return pattern.format(
        place=place, month=rng.randint(1, 11), quarter=rng.randint(1, 3), n=rng.randint(1, 60)
    )


@register
class SharingAudit(Template):
    """A shared-drive audit: how many files of one unit hold personal data and can be
    opened by people outside the agency (anyone with the link, or public on the web).
    Outside sharing without personal data, and personal data shared inside, are the near
    misses."""

    name = "data.sharing_audit"
    kind = "data"
    answer_kind = "number"
    title = c.both(
        "Rà soát tệp chứa dữ liệu cá nhân bị chia sẻ ra ngoài",
        "Audit files with personal data shared outside the agency",
    )
    Settings = RowSettings

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        n = settings.draw(rng)
        units = rng.sample(list(c.UNITS), rng.randint(5, 8))
        places = [p.split(" ", 1)[1] for p in c.communes(rng, 6)]
        owners = {u: [c.full_name(rng) for _ in range(rng.randint(3, 7))] for u in units}
        seen: set[str] = set()

        def name_of(pattern: str) -> str:
            file = _file_name(rng, pattern, places)
            stem, ext = file.rsplit(".", 1)
            copy = 1
            while file in seen:  # a second file of that name: the drive numbers it
                copy += 1
                file = f"{stem} ({copy}).{ext}"
            seen.add(file)
            return file

        rows = []
        for _ in range(n):
            unit = rng.choice(units)
            personal = rng.random() < 0.4
            pattern = rng.choice(PERSONAL_FILES if personal else OTHER_FILES)
            share = rng.choices(list(SHARING), (0.3, 0.25, 0.25, 0.14, 0.06))[0]
            changed = c.day_in(rng, 2026, 1, 11)
            rows.append((
                name_of(pattern), rng.choice(owners[unit]), unit, share,
                "yes" if personal else "no", changed.isoformat(),
            ))  # fmt: skip
        for _ in range(100):
            unit = rng.choice(units)
            hits = [r for r in rows if r[2] == unit and r[3] in OUTSIDE and r[4] == "yes"]
            if len(hits) >= 2:
                break
        # the near misses, made where chance left none: the unit's files shared outside
        # without personal data, and its files with personal data shared inside only
        for holds, shares in (("no", OUTSIDE), ("yes", ("private", "people", "agency"))):
            mine = [r for r in rows if r[2] == unit and r[4] == holds and r[3] in shares]
            others = [i for i, r in enumerate(rows) if r[2] != unit]
            if not mine and others:
                j = rng.choice(others)
                pattern = rng.choice(PERSONAL_FILES if holds == "yes" else OTHER_FILES)
                rows[j] = (name_of(pattern), rng.choice(owners[unit]), unit, rng.choice(shares),
                           holds, rows[j][5])  # fmt: skip
        rows.sort(key=lambda r: (r[2], r[0]))
        hits = [r for r in rows if r[2] == unit and r[3] in OUTSIDE and r[4] == "yes"]
        answer = len(hits)
        u = c.UNITS[unit]
        link, public = SHARING["link"], SHARING["public"]
        prompt = c.both(
            f"Bảng liệt kê các tệp trên kho lưu trữ dùng chung của cơ quan. {u.vi} có bao "
            "nhiêu tệp chứa dữ liệu cá nhân mà người ngoài cơ quan cũng mở được, tức là có "
            f"phạm vi chia sẻ “{link.vi}” hoặc “{public.vi}”?",
            f"The table lists the files on the agency's shared drive. How many files of the "
            f"{u.en} hold personal data and can be opened by people outside the agency too, "
            f"that is, are shared as “{link.en}” or “{public.en}”?",
        )
        working = c.both(
            f"Lọc Đơn vị = {u.vi}, Dữ liệu cá nhân = Có, Phạm vi chia sẻ = {link.vi} hoặc "
            f"{public.vi}: còn {answer} tệp. Những tệp này cần thu hẹp quyền truy cập ngay.",
            f"Filter Unit = {u.en}, Personal data = Yes, Sharing = {link.en} or {public.en}: "
            f"{answer} files remain. Their access should be narrowed at once.",
        )
        table = Table(
            name="ra-soat-chia-se-tep",
            columns=(
                Column(name=c.both("Tên tệp", "File name")),
                Column(name=c.both("Chủ sở hữu", "Owner")),
                Column(name=c.both("Đơn vị", "Unit"), kind="label", labels=c.UNITS),
                Column(name=c.both("Phạm vi chia sẻ", "Sharing"), kind="label", labels=SHARING),
                Column(name=c.both("Dữ liệu cá nhân", "Personal data"), kind="label",
                       labels=YES_NO),
                Column(name=c.both("Sửa lần cuối", "Last modified"), kind="date"),
            ),
            rows=tuple(rows),
        )  # fmt: skip
        view = TaskView(
            template=self.name, kind="data", answer_kind="number", prompt=prompt, table=table,
            unit=c.both("tệp", "files"),
        )  # fmt: skip
        return view, TaskKey(number=answer, working=working)


# --- electricity after hours ---------------------------------------------------------------
DEVICES: dict[str, LocalizedText] = c.labels({
    "pc": ("Máy tính để bàn", "Desktop computer"),
    "screen": ("Màn hình", "Monitor"),
    "laptop": ("Máy tính xách tay đang sạc", "Laptop on charge"),
    "printer": ("Máy in", "Printer"),
    "copier": ("Máy photocopy", "Photocopier"),
    "aircon": ("Điều hòa", "Air conditioner"),
    "projector": ("Máy chiếu", "Projector"),
    "water": ("Cây nước nóng lạnh", "Water dispenser"),
})  # fmt: skip
WATTS: dict[str, tuple[int, int]] = {
    "pc": (60, 150), "screen": (18, 40), "laptop": (30, 65), "printer": (8, 30),
    "copier": (40, 90), "aircon": (750, 1500), "projector": (180, 320), "water": (60, 110),
}  # fmt: skip
DEVICE_SHARE = (0.26, 0.26, 0.1, 0.1, 0.05, 0.1, 0.05, 0.08)


@register
class AfterHoursEnergy(Template):
    """A week of after-hours readings: how many kWh the devices of one room, or the devices
    of one kind in the whole building, used outside working hours between two days.
    Rows of the same room on the days just before and after are the near misses, and each
    row's energy is its power times its hours."""

    name = "data.energy"
    kind = "data"
    answer_kind = "number"
    title = c.both(
        "Tính điện năng thiết bị bật ngoài giờ", "Compute the energy devices use after hours"
    )
    Settings = RowSettings

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        n = settings.draw(rng)
        start = c.day_in(rng, 2026, 9, 10)
        days = c.weekdays(start, start + timedelta(days=27))
        rooms = [f"P.{floor}{k:02d}" for floor, k in _rooms(rng)]
        kit = {room: rng.sample(list(DEVICES), rng.randint(5, 8)) for room in rooms}
        watts = {(room, d): rng.randint(*WATTS[d]) for room in rooms for d in DEVICES}
        # the question first: whose readings, over which days (with a day before and after)
        by_room = rng.random() < 0.6
        room = rng.choice(rooms)
        device = rng.choice([d for d in DEVICES if any(d in k for k in kit.values())])
        i = rng.randrange(len(days) - 6)  # days[i] is before the first, days[i + 6] after
        first, last = days[i + 1], days[i + rng.randint(3, 5)]
        a, b = first.isoformat(), last.isoformat()

        def theirs(reading: tuple[date, str, str]) -> bool:
            return reading[1] == room if by_room else reading[2] == device

        # one reading per device and night, as many as the table has rows; among them some
        # of theirs inside the days asked about, and some just outside (the near misses)
        readings = [(day, rm, dev) for day in days for rm in rooms for dev in kit[rm]]
        inside = [r for r in readings if theirs(r) and first <= r[0] <= last]
        before = [r for r in readings if theirs(r) and r[0] < first]
        after = [r for r in readings if theirs(r) and r[0] > last]
        forced = [*rng.sample(inside, min(3, len(inside))), rng.choice(before), rng.choice(after)]
        forced = forced[:n]
        taken = set(forced)
        rest = [r for r in readings if r not in taken]
        picked = forced + rng.sample(rest, min(n - len(forced), len(rest)))
        picked += [rng.choice(readings) for _ in range(n - len(picked))]
        rows = []
        for day, rm, dev in picked:
            hours = rng.randint(1, 14) if dev != "aircon" else rng.randint(1, 6)
            rows.append((day.isoformat(), rm, dev, watts[rm, dev], hours))
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        if by_room:
            hits = [r for r in rows if r[1] == room and a <= r[0] <= b]
        else:
            hits = [r for r in rows if r[2] == device and a <= r[0] <= b]
        wh = sum(r[3] * r[4] for r in hits)
        answer = wh / 1000
        span = c.both(f"từ {c.dmy(first)} đến hết {c.dmy(last)}", f"from {c.dmy(first)} to "
                      f"{c.dmy(last)} inclusive")  # fmt: skip
        if by_room:
            whose = c.both(f"các thiết bị của phòng {room}", f"the devices in room {room}")
            how = c.both(f"Phòng = {room}", f"Room = {room}")
        else:
            dv = DEVICES[device]
            whose = c.both(f"tất cả thiết bị loại “{dv.vi}” của tòa nhà",
                           f"all the “{dv.en}” devices of the building")  # fmt: skip
            how = c.both(f"Thiết bị = {dv.vi}", f"Device = {dv.en}")
        rounded = c.decimal(round(answer + 1e-9, 1))
        prompt = c.both(
            f"Tổng điện năng mà {whose.vi} tiêu thụ ngoài giờ làm việc {span.vi} là bao nhiêu "
            "kWh? Điện năng của mỗi dòng = công suất (W) × số giờ; 1 kWh = 1.000 Wh. Làm tròn "
            "đến 1 chữ số thập phân.",
            f"How many kWh did {whose.en} use outside working hours {span.en}? Each row's "
            "energy = power (W) × hours; 1 kWh = 1,000 Wh. Round to 1 decimal place.",
        )
        working = c.both(
            f"Lọc {how.vi} và Ngày {span.vi}: còn {len(hits)} dòng. Thêm cột = Công suất × Số "
            f"giờ, cộng lại được {c.grouped(wh)} Wh = {rounded.vi} kWh.",
            f"Filter {how.en} and Date {span.en}: {len(hits)} rows remain. Add a column = "
            f"Power × Hours and total it: {c.grouped_en(wh)} Wh = {rounded.en} kWh.",
        )
        table = Table(
            name="dien-nang-ngoai-gio",
            columns=(
                Column(name=c.both("Ngày", "Date"), kind="date"),
                Column(name=c.both("Phòng", "Room"), kind="code"),
                Column(name=c.both("Thiết bị", "Device"), kind="label", labels=DEVICES),
                Column(name=c.both("Công suất (W)", "Power (W)"), kind="int"),
                Column(name=c.both("Số giờ bật ngoài giờ", "Hours on after hours"), kind="int"),
            ),
            rows=tuple(rows),
        )
        view = TaskView(
            template=self.name, kind="data", answer_kind="number", prompt=prompt, table=table,
            unit=c.both("kWh", "kWh"),
        )  # fmt: skip
        # any answer that rounds from the exact total is right: within half a tenth of it
        return view, TaskKey(number=answer, tolerance=0.05, working=working)


def _rooms(rng: random.Random) -> list[tuple[int, int]]:
    floors = rng.sample(range(1, 6), rng.randint(2, 3))
    return [(f, k) for f in floors for k in rng.sample(range(1, 12), rng.randint(4, 5))]
