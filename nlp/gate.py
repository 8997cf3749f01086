"""The accusation gate: is this message a tip at all, and may it be turned away?

A tip names an accused (a person by title, an official, an office) and an act. SPEC:
a message that does is never `other`; greetings, thanks and policy questions are `other`
and get an answer, not a case. This module only reads the text; nlp.analyze combines
its verdict with the model's probabilities.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Who can be accused: titles, officials, offices (村里 / 镇上 count: an office that acted).
# Every alternative starts with a literal character, so the search skips to candidate characters.
ACCUSED = re.compile(
    r"书记|支书|主任|村长|会计|文书|出纳|报账员|组长|队长|社长|网格员|干部|两委|村委|居委会|监委会|村里|村上|村委会"
    r"|镇长|乡长|镇里|乡里|镇上|乡上|镇政府|乡政府|街道办|所长|站长|局长|科长|股长|主席|工作人员|领导|民警|城管|党员"
    r"|镇\w{0,4}?(?:所|站|局|办)|乡\w{0,4}?(?:所|站|局|办)|县\w{0,4}?(?:所|站|局|办)|区\w{0,4}?(?:所|站|局|办)"
    r"|市\w{0,4}?(?:所|站|局|办)|第一书记|驻村工作队|包村|拆迁办|征地办|便民服务中心"
)
# What an accused can have done: the acts of SPEC's rows, in plain and formal words.
ACT = re.compile(
    r"扣|截留|贪|吞|侵占|挪|冒领|套取|虚报|骗|私分|拿走|占了|霸占|强占|占用|收了|收取|收受|索要|要钱|好处|红包|回扣"
    r"|送礼|送钱|吃喝|公款|公车|大操大办|大摆|旅游|打了|打人|殴打|动手|骂|威胁|恐吓|报复|不管|不理|不作为|推诿|推来推去"
    r"|拖着|不公开|没公开|不公示|没公示|不让看|给了他|给了自家|亲戚|小舅子|关系|人情|偷工减料|围标|串标|没招标|赌|贿选"
    r"|拉票|违建|违法|不给|没给|少给|没发|少发|不发|拖欠|私自|擅自|偷偷|低价|卖了|白条|假|冒|多报|报大|克扣"
    r"|只给|少了|剩下的|不见了|去向|哪去了|进了.{0,3}腰包|中饱私囊|据为己有|归自己|自己拿|自己用|分了|平分|抵了|抵扣"
    r"|压着|压低|强拆|强行|逼|欺负|欺压|横行|一霸|保护伞|包庇|纵容|勾结|吸毒|嫖|包养|情人|醉|酒驾|乱收|收费|要了|拿了"
    r"|塞钱|请吃|吃饭|宴|礼金|随礼|购物卡|烟酒|内定|指定|暗箱|作假|伪造|编造|空挂|死人|去世.{0,8}(?:领|发)"
    r"|没人|不在|不上班|不来|不办|不让|不准|拖了|一直没|看关系|走后门|有关系|优亲厚友|违规|违纪|纳入|掺|撕|招待|不补"
    r"|换成|顶替|冒名|串通|操纵|压价|砍了|推倒|砸|拆了|占着|多算|少算|量少|报成|虚列|虚增|套|骗取|谋利|牟利"
)
GREETING = re.compile(
    r"^(?:你好|您好|在吗|在不在|有人吗|早上好|晚上好|下午好|新年快乐|过年好|谢谢|感谢|多谢|辛苦了|好的|收到|知道了|明白了|"
    r"哈+|嗯+|哦+|测试|test|hi|hello)"
)
THANKS = re.compile(r"谢谢|感谢|点赞|辛苦了|为老百姓办实事")
QUESTION = re.compile(
    r"请问|想问|问一下|问问|咨询|怎么申请|如何申请|怎么办理|怎么办|需要什么|要准备|什么条件|多少钱|是多少|多少一亩|每亩多少"
    r"|什么时候|几月|哪里可以|去哪里|在哪里|找谁|能不能|可不可以|是不是|有没有|可以.{0,8}吗|怎么用|怎么查|标准"
)
RHETORICAL = re.compile(r"凭什么|凭啥|为什么.{0,12}(?:能|还|就)|哪去了|哪里去了|进了谁|谁拿了|到底|咋就|这合理吗|管不管")


_PUNCTUATION = re.compile(r"[\s，。！？、,.!?~～…]+")


@dataclass(frozen=True)
class Gate:
    accused: bool  # a person by title, an official or an office is named
    act: bool  # something such a person did is said
    kind: str  # "tip" | "greeting" | "thanks" | "question" | "statement"

    @property
    def accusation(self) -> bool:
        return self.accused and self.act


def read(text: str) -> Gate:
    compact = _PUNCTUATION.sub("", text)
    accused = bool(ACCUSED.search(compact))
    act = bool(ACT.search(compact))
    if accused and act:
        return Gate(True, True, "tip")
    if len(compact) <= 16 and GREETING.match(compact):
        return Gate(accused, act, "thanks" if THANKS.search(compact) else "greeting")
    if THANKS.search(compact) and not act:
        return Gate(accused, act, "thanks")
    if QUESTION.search(compact) and not act and not RHETORICAL.search(compact):
        return Gate(accused, act, "question")
    return Gate(accused, act, "statement")
