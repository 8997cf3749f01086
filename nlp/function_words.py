"""Words that carry no accusation: pronouns, conjunctions, adverbs of time and degree, fillers.

The model may weigh them (they correlate with a category in the training texts), but they are
never a reason to show a clerk: 「时候」「反而」 do not say why a message is about 优亲厚友.
`meaningful` keeps the order of the words it is given.
"""
from __future__ import annotations

from typing import Iterable

FUNCTION_WORDS = frozenset("""
我 你 他 她 它 我们 你们 他们 她们 咱们 大家 自己 人家 别人 有人 谁 什么 怎么 怎么样 怎样 为什么 哪里 哪儿 这里 那里
这 那 这个 那个 这些 那些 这样 那样 这么 那么 这种 那种 这边 那边 这次 那次 这回 每个 某个 一些 有些 一个 一种
的 地 得 了 着 过 吗 呢 吧 啊 呀 嘛 哦 哈 么 啦 的话 之类 等等 而已 罢了
和 与 跟 同 及 以及 或 或者 还是 而且 并且 而 但 但是 可是 可 然而 不过 只是 就是 因为 所以 因此 于是 然后 接着 如果
要是 假如 即使 虽然 尽管 不管 无论 只要 只有 除了 为了 由于 对于 关于 根据 按照 通过 比如 例如 甚至 反而 反正 何况
就 才 都 也 还 又 再 更 最 很 太 挺 非常 特别 十分 比较 稍微 一直 一向 总是 老是 经常 常常 往往 已经 曾经 正在 刚才
刚刚 马上 立刻 终于 始终 仍然 依然 还是 本来 原来 其实 确实 的确 真的 简直 几乎 大概 也许 可能 应该 一定 必须 到底 究竟
时候 时间 现在 以前 以后 之前 之后 当时 那时 后来 最近 今天 昨天 明天 今年 去年 每次 有时 有时候 一下 一点 一样 一起
不 没 没有 别 不要 不是 是 有 在 说 讲 去 来 做 搞 弄 让 给 把 被 叫 对 向 从 到 往 于 以 为
知道 不知道 觉得 认为 感觉 希望 想 看 看到 听说 发现 还有 另外 其他 其它 一般 东西 事情 问题 情况 方面 地方 样子 啊呀
""".split())


def meaningful(words: Iterable[str]) -> tuple[str, ...]:
    """`words` without the function words."""
    return tuple(w for w in words if w not in FUNCTION_WORDS)
