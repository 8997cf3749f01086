"""What the report flow says to the villager: short, plain, one WeChat message each."""
from __future__ import annotations

from typing import Any

from handlers.cases.numbers import format_receipt

START = ("请说说您要反映的问题:哪个村、哪位干部(职务)、做了什么事。\n"
         "可以分几条发,也可以发语音、照片。说完了请回复【好了】。")
STARTED_WITH_TEXT = ("您说的情况已记下。还有要补充的可以接着发(文字、语音、照片都可以),"
                     "说完了请回复【好了】;不是要反映问题请回复【取消】。")
MEDIA_FIRST = ("收到了,会作为举报材料一起提交。请再用文字或语音说说要反映的问题:哪个村、哪位干部、做了什么事。"
               "说完了请回复【好了】;不是要举报请回复【取消】。")
MORE = "收到。还有要补充的请接着发,说完了请回复【好了】。"
PHOTO_KEPT = "照片收到了,会和您的反映一起提交。说完了请回复【好了】。"
# WeChat sent the sound without its recognition (dialect, noise, too short, or recognition off)
VOICE_UNRECOGNISED = ("语音收到了,已保存,会和您的反映一起提交,办理人员会听原声。但这段语音没能转成文字"
                      "(可能是方言、声音太小或太短),系统没法判断该转给哪里。请再用文字简单写一句:哪个村、"
                      "哪位干部、做了什么事。说完了请回复【好了】。")
VOICE_FIRST = ("语音收到了,已保存,会作为举报材料一起提交。但这段语音没能转成文字(可能是方言、声音太小或太短)。"
               "请用文字简单写一句:哪个村、哪位干部、做了什么事。说完了请回复【好了】;不是要举报请回复【取消】。")
VOICE_ONLY = ("您发的语音已保存,但没能转成文字,系统没法判断该转给哪个单位。请用文字简单写一句:"
              "哪个村、哪位干部、做了什么事(写几个字就行),然后回复【好了】。")
MEDIA_MISSING = "这个文件没有收到,请重新发送一次。"
VIDEO_KEPT = "视频收到了,会和您的反映一起提交。说完了请回复【好了】。"
FILE_KEPT_LATER = "收到了,会和您的反映一起提交。请接着回答上面的问题。"
TOO_MANY_FILES = "照片、视频和语音最多9个,这个没有收下。说完了请回复【好了】。"
TOO_LONG = "内容太长了,后面的没有收下。说完了请回复【好了】。"
EMPTY = "您还没有说要反映什么事。请用文字或语音说一下,说完了回复【好了】。"
TOO_SHORT = "说得太简单了,办理单位看不明白。请再说具体一些:哪个村、哪位干部、做了什么事。"
ASK_PLACE = "请问这是哪个乡镇、哪个村的事?(例如:南坝镇胡家庄村)"
NOT_UNDERSTOOD_CONFIRM = "请回复数字:1 对,2 问题类别不对,3 地点不对。"
ASK_WHAT_WRONG = "哪里不对?回复2改问题类别,回复3改地点。"
ASK_IDENTITY = ("您想实名还是匿名反映?\n"
                "1 实名:办理单位可以联系您,您的身份加密保存,被反映的人看不到\n"
                "2 匿名:不留任何身份信息,凭回执码查进度")
NOT_UNDERSTOOD_IDENTITY = "请回复1(实名)或2(匿名)。"
ASK_NAME = ("请留下您的姓名,方便办理单位核实和联系。姓名加密保存,只有县纪委监委经批准才能查看,被反映的人看不到。"
            "不想留请回复【跳过】。")
BAD_NAME = "姓名请用汉字(2到20个字),例如:张秀英。手机号下一步再填。不想留姓名请回复【跳过】。"
ASK_PHONE = "请留一个手机号,方便办理单位联系您。不想留请回复【跳过】。"
BAD_PHONE = "手机号格式不对,应该是1开头的11位数字。请重新输入,或回复【跳过】。"
BAD_CATEGORY = "请回复列表里的数字(1到10)。"
REFERRAL = ("您说的情况不属于纪检监察机关的受理范围(比如邻里纠纷、水电、工资、政策咨询等),"
            "建议拨打12345政务服务热线,或向村委会、乡镇政府反映。\n"
            "如果您要反映的确实是村、镇干部的问题,请回复【举报】重新说明,写清哪个村、哪位干部、做了什么。")

ASK_CATEGORY = ("您说的情况已记下,是要反映干部的问题吧?为了转给能办的单位,请选一下是哪一类问题。\n"
                "(都不像就选最接近的,办理单位还会核实)")
PINYIN = "您发的是拼音,系统看不太明白。请用汉字再说一遍(也可以发语音),说清哪个村、哪位干部、做了什么事。"
POLICY_ANSWER = ("您问的是政策方面的问题。回复【权力清单】可以查村里各项事务(如低保、补贴、建房)由谁办、怎么办、要多久;"
                 "回复【查补贴】可以查本人领取的惠民补贴。其他政策请咨询村委会、乡镇便民服务中心,或拨打12345政务服务热线。\n"
                 "如果您要反映干部的问题,请回复【举报】。")
GREETING_ANSWER = "您好!这里是清风群众监督平台。反映干部的问题请回复【举报】,查本人的惠民补贴请回复【查补贴】,回复【帮助】看全部功能。"
THANKS_ANSWER = "不客气,感谢您对监督工作的支持!有新的情况随时回复【举报】反映。"

# The category as it reads in "您反映的是…的X,对吗?"
TOPIC: dict[str, str] = {
    "subsidy_fraud": "惠民惠农资金问题",
    "favoritism": "优亲厚友问题",
    "collective_assets": "村集体资金资产问题",
    "land_compensation": "征地拆迁补偿问题",
    "project_bidding": "工程项目问题",
    "bribery_extortion": "吃拿卡要、收受好处问题",
    "eight_rules": "违反八项规定问题",
    "work_style": "干部作风问题",
    "disclosure": "村务公开问题",
    "misconduct_other": "干部其他违纪违法问题",
}
CATEGORY_CHOICES: list[str] = list(TOPIC)  # numbered 1..10 in this order
# A subsidy named in the report makes the question plainer: "低保问题" rather than "惠民惠农资金问题".
PROGRAMS = ("低保", "五保", "特困", "临时救助", "危房改造", "扶贫", "产业补助", "高龄补贴", "残疾人补贴",
            "耕地地力保护补贴", "退耕还林", "养老", "医保", "粮食补贴", "种粮补贴")


def topic(category: str, keywords: list[str]) -> str:
    if category == "subsidy_fraud":
        for kw in keywords:
            if kw in PROGRAMS:
                return f"{kw}问题"
    return TOPIC.get(category, "问题")


def confirm(data: dict[str, Any], place_label: str) -> str:
    what = topic(data["category"], data.get("keywords", []))
    if place_label:
        question = f"您反映的是{place_label}的{what},对吗?"
    else:
        question = f"您反映的是{what}(地点没有确定,先由县纪委监委登记),对吗?"
    return f"{question}\n1 对\n2 问题类别不对\n3 地点不对"


QUESTIONS_INTRO = "为了方便办理单位核实,再问您{n}个小问题(不清楚或不想说,回复【跳过】):"


def ask_question(questions: tuple[Any, ...], index: int) -> str:
    """The category's question `index` (nlp.categories.Question), numbered; the first one says why."""
    line = f"{index + 1}/{len(questions)} {questions[index].ask}" if len(questions) > 1 else questions[index].ask
    if index == 0:
        return QUESTIONS_INTRO.format(n="两" if len(questions) == 2 else len(questions)) + "\n" + line
    return line + "(不清楚回复【跳过】)"


def voice_heard(recognised: str) -> str:
    """A recognised voice: what WeChat heard, so a dialect mistake is caught while the villager is here."""
    heard = recognised if len(recognised) <= 80 else recognised[:80] + "…"
    return (f"语音收到了,原声已保存。系统听到的是:“{heard}”\n"
            "如果听错了,可以再用文字补充。说完了请回复【好了】。")


def category_menu() -> str:
    lines = [f"{i} {TOPIC[c]}" for i, c in enumerate(CATEGORY_CHOICES, 1)]
    return "请回复数字,选择问题类别:\n" + "\n".join(lines)


def ask_category() -> str:
    return ASK_CATEGORY + "\n" + category_menu()


def answer_for(kind: str) -> str:
    """What a message that is no tip gets instead of a case: an answer."""
    return {"greeting": GREETING_ANSWER, "thanks": THANKS_ANSWER}.get(kind, POLICY_ANSWER)


def filed(number: str, receipt: str, office: str, anonymous: bool) -> str:
    who = "匿名举报不保存您的任何身份信息。" if anonymous else "您也可以回复【我的举报】查看。"
    return (f"已登记,案件编号 {number},由{office}办理。\n"
            f"回执码:{format_receipt(receipt)}\n"
            f"回执码只显示这一次,请抄下来或截图保存。凭它在任何微信上回复【查询进度】都能查办理情况。{who}")
