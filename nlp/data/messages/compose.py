"""Give short hand-written messages the frame villagers put around a tip (run once, idempotent).

Villagers seldom send the bare fact: they say who they are and where they live, when it
happened, and close with what they want ("希望派人来查查", "我可以实名"). This script adds
an opening and a closing (a second closing while still short), all hand-written below, to a
deterministic ~80 % of the
rows shorter than 60 characters, so that most rows are 60–200 characters as real
messages are, while the rest stay short as many WeChat messages are. The fact in the
middle is the hand-written row, unchanged; a framed row's source ends in "+framed".
`other` rows that are greetings or questions are left alone (nobody frames "你好").

    python nlp/data/messages/compose.py
"""
from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).parent
SHORT = 60
SHARE = 0.8

OPENINGS = (
    "我是南坝镇胡家庄村的村民，", "俺是东岭镇马家河村三组的，", "我家住清水乡红星村，", "我是杨家湾村的，反映个事：",
    "我们是石桥村二组的几户人家，", "我是东岭村的老住户，", "去年秋天的事，", "这事拖了快两年了，", "今年开春以后，",
    "说个我们村的事，", "我实在忍不下去了，", "我不敢实名，怕被报复，", "我代表我们组几户人家说一下，",
    "领导你好，我是外出打工回来的，", "前几天回老家才知道，", "我家老人不识字，我替他说：", "我姓王，住在村东头，",
    "事情是这样的，", "有件事想跟纪委说说，", "我们村好多人都知道这个事，", "上个月赶集的时候听人说起，才去查的，",
    "我是本村的村民代表，", "我们几个老乡商量了一下，决定反映：", "2023年的事，一直没人管，", "打扰了，我是清水社区的居民，",
)
CLOSINGS = (
    "希望上级派人来查一查。", "村里好多人都有意见，就是不敢说。", "我说的句句属实，可以当面对质。", "请纪委给我们老百姓做主。",
    "这样下去老百姓咋过日子？", "我们要求把钱退回来。", "大家敢怒不敢言啊。", "我有照片和录音，需要的话可以提供。",
    "我可以实名，电话随时打给我。", "不要让村里知道是我反映的。", "到现在都没个说法。", "麻烦你们抓紧处理，谢谢。",
    "村里人都看在眼里。", "我们几户人家都可以作证。", "去问过好几次，都被挡回来了。", "这种事到底有没有人管？",
    "希望能给我们一个公道。", "钱虽然不多，可这口气咽不下。", "我家老人为这事气病了。", "请你们一定要查清楚。",
    "说出来怕被穿小鞋，可不说更憋屈。", "这都是实情，不信可以去村里问。", "别的村都不这样，就我们村这样。",
    "我们想知道这钱到底去哪了。", "请核实处理，谢谢领导。",
)
NOT_FRAMED_OTHER = ("你好", "您好", "谢谢", "在吗", "早上好", "新年快乐", "测试", "哈哈", "好的", "请问", "想问", "问一下")


def _pick(text: str, salt: str, n: int) -> int:
    return int(hashlib.sha1(f"{salt}:{text}".encode()).hexdigest(), 16) % n


def frame(category: str, source: str, text: str) -> tuple[str, str]:
    if "+framed" in source or len(text) >= SHORT or _pick(text, "share", 100) >= SHARE * 100:
        return source, text
    if category == "other" and (source == "everyday" and (len(text) < 20 or text.startswith(NOT_FRAMED_OTHER))):
        return source, text
    opening = OPENINGS[_pick(text, "open", len(OPENINGS))]
    first = _pick(text, "close", len(CLOSINGS))
    closing = CLOSINGS[first]
    body = text if text[-1] in "。！？!?" else text + "。"
    framed = opening + body + closing
    if len(framed) < SHORT:
        framed += CLOSINGS[(first + 1 + _pick(text, "again", len(CLOSINGS) - 1)) % len(CLOSINGS)]
    return source + "+framed", framed


def main() -> None:
    for path in sorted(HERE.glob("*.tsv")):
        out = []
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.startswith("#") or not raw.strip():
                out.append(raw)
                continue
            cat2, level, source, text = raw.split("\t")
            source, text = frame(path.stem, source, text)
            out.append("\t".join((cat2, level, source, text)))
        path.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
