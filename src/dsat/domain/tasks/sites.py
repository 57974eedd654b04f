"""Which-site-is-genuine tasks: the addresses of one public service among look-alikes built
with the tricks scams use (the real name as a subdomain of another domain, before an @,
inside a path, with a hyphen or another ending, with a look-alike letter)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from dsat.domain.tasks import common as c
from dsat.domain.tasks.model import Site, TaskKey, TaskView
from dsat.domain.tasks.registry import Template, register
from dsat.domain.text import LocalizedText

# Public services and their genuine host names.
SERVICES: tuple[tuple[str, LocalizedText], ...] = (
    (
        "dichvucong.gov.vn",
        c.both("Cổng Dịch vụ công quốc gia", "the National Public Service Portal"),
    ),
    ("chinhphu.vn", c.both("Cổng Thông tin điện tử Chính phủ", "the Government's web portal")),
    (
        "vbpl.vn",
        c.both(
            "Cơ sở dữ liệu quốc gia về văn bản pháp luật",
            "the national database of legal documents",
        ),
    ),
    ("baohiemxahoi.gov.vn", c.both("Bảo hiểm xã hội Việt Nam", "Vietnam Social Security")),
    ("sbv.gov.vn", c.both("Ngân hàng Nhà nước Việt Nam", "the State Bank of Vietnam")),
    ("bocongan.gov.vn", c.both("Bộ Công an", "the Ministry of Public Security")),
    ("csgt.vn", c.both("Cục Cảnh sát giao thông", "the Traffic Police Department")),
)
PATHS = ("/", "/tin-tuc", "/tra-cuu", "/dang-nhap", "/thong-bao/2026", "/ho-tro")
EVIL = (
    "xacminh-vneid.com",
    "hotro-truc-tuyen.net",
    "capnhat-thongtin.top",
    "dangnhap-an-toan.info",
    "cong-thong-tin.online",
    "vn-secure.link",
)
GLYPHS = (("i", "l"), ("o", "0"), ("m", "rn"), ("l", "1"), ("u", "v"))


def _name(host: str) -> str:
    return host.split(".")[0]


def _suffix(rng: random.Random, host: str) -> str:
    return f"https://{host}.{rng.choice(EVIL)}{rng.choice(PATHS)}"


def _userinfo(rng: random.Random, host: str) -> str:
    return f"https://{host}@{rng.choice(EVIL)}{rng.choice(PATHS)}"


def _path(rng: random.Random, host: str) -> str:
    return f"https://{rng.choice(EVIL)}/{host}{rng.choice(PATHS).rstrip('/')}"


def _hyphen(rng: random.Random, host: str) -> str:
    name, rest = _name(host), host.split(".", 1)[1]
    return f"https://{name}-{rest.replace('.', '-')}.com{rng.choice(PATHS)}"


def _ending(rng: random.Random, host: str) -> str:
    name = _name(host)
    options = [e for e in (".com.vn", ".com", ".vn", ".net.vn", ".org") if not host.endswith(e)]
    return f"https://{name}{rng.choice(options)}{rng.choice(PATHS)}"


def _glyph(rng: random.Random, host: str) -> str | None:
    name, rest = _name(host), host.split(".", 1)[1]
    swaps = [(a, b) for a, b in GLYPHS if a in name]
    if not swaps:
        return None
    a, b = rng.choice(swaps)
    at = rng.choice([i for i, ch in enumerate(name) if name.startswith(a, i)])
    fake = name[:at] + b + name[at + len(a) :]
    ending = rng.choice(("com", "vn", "com.vn")) if rest.endswith("gov.vn") else rest
    return f"https://{fake}.{ending}{rng.choice(PATHS)}"


TRICKS: tuple[Callable[[random.Random, str], str | None], ...] = (
    _suffix,
    _userinfo,
    _path,
    _hyphen,
    _ending,
    _glyph,
)
TRICK_NAMES: dict[str, LocalizedText] = {
    "_suffix": c.both(
        "tên thật đứng trước một tên miền khác", "the real name in front of another domain"
    ),
    "_userinfo": c.both(
        "phần trước dấu @ không phải tên miền", "what comes before @ is not the domain"
    ),
    "_path": c.both("tên thật chỉ nằm trong đường dẫn", "the real name is only in the path"),
    "_hyphen": c.both("tên miền khác, nối bằng dấu gạch", "another domain, joined with hyphens"),
    "_ending": c.both("đuôi tên miền khác", "another domain ending"),
    "_glyph": c.both(
        "một chữ cái bị thay bằng chữ trông giống", "a letter replaced by a look-alike"
    ),
}


def host_of(address: str) -> str:
    """The host a browser would open: after the scheme, before the path, after any @."""
    rest = address.split("://", 1)[-1]
    authority = rest.split("/", 1)[0]
    return authority.rsplit("@", 1)[-1].lower()


@register
class GenuineSite(Template):
    name = "sites.genuine"
    kind = "sites"
    answer_kind = "pick"
    steps = 2
    title = c.both(
        "Nhận ra địa chỉ trang thật giữa các trang giả", "Tell a genuine address from look-alikes"
    )

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        host, service = rng.choice(SERVICES)
        n_genuine = rng.randint(1, 2)
        genuine = [f"https://{host}{p}" for p in rng.sample(PATHS, n_genuine)]
        fakes: list[tuple[str, str]] = []
        for trick in rng.sample(TRICKS, len(TRICKS)):
            address = trick(rng, host)
            if address is not None and host_of(address) != host:
                fakes.append((address, trick.__name__))
            if len(fakes) == 6 - n_genuine:
                break
        entries = [(a, None) for a in genuine] + fakes
        rng.shuffle(entries)
        sites = tuple(
            Site(id=chr(ord("a") + i), address=address, title=service)
            for i, (address, _) in enumerate(entries)
        )
        picks = tuple(s.id for s, (_, trick) in zip(sites, entries, strict=True) if trick is None)
        prompt = c.both(
            f"Một thư gửi cho bạn các địa chỉ dưới đây, đều ghi là trang của {service.vi}. "
            f"Trang thật có tên miền {host}. Chọn mọi địa chỉ mở đúng trang thật.",
            f"A message gives you the addresses below, all said to be {service.en}. The "
            f"genuine site's domain is {host}. Choose every address that opens the genuine site.",
        )
        vi, en = [], []
        for s, (_, how) in zip(sites, entries, strict=True):
            if how is None:
                vi.append(f"{s.id}) {s.address}: thật, trang mở ra là {host}")
                en.append(f"{s.id}) {s.address}: genuine, it opens {host}")
            else:
                opened = host_of(s.address)
                vi.append(f"{s.id}) {s.address}: giả, mở ra {opened} ({TRICK_NAMES[how].vi})")
                en.append(f"{s.id}) {s.address}: fake, opens {opened} ({TRICK_NAMES[how].en})")
        view = TaskView(
            template=self.name, kind="sites", answer_kind="pick", prompt=prompt, sites=sites
        )
        working = LocalizedText(vi="\n".join(vi), en="\n".join(en))
        return view, TaskKey(picks=picks, working=working)
