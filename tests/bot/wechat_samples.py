"""A sample of every message and event type WeChat posts, of our own making, in two projects' formats.

Each sample is a list of fields; it is written out the way wechatpy's tests write messages (one line
per field, strings in CDATA, numbers bare) and the way WeRoBot's do (indented, with whitespace around
the elements, every value in CDATA but the numbers). The sender, the time and the MsgId are filled in
when posted, so every post is a new message from a new user.

`expect` says what a fitting answer is:
    ("success",)            no passive reply: the body is `success` (every event that is not a
                            follow, a scan of ours or a known menu key)
    ("is", text)            exactly that text
    ("starts", text)        a reply beginning with it
    ("has", text)           a reply containing it
    ("any",)                some text (free text: the classifier decides)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers import report_texts as R
from handlers.follow import SCANNED, STAFF_WELCOME
from handlers.help import CANNOT_READ, HELP_TEXT, NOT_UNDERSTOOD, WELCOME_TEXT
from handlers.shared_items import CARD, LINK_NO_REPORT, LOCATION_NO_REPORT
from handlers.subsidies import texts as S

HUJIA = "610798101201"
NUMBERS = {"CreateTime", "MsgId", "Location_X", "Location_Y", "Scale", "Precision", "Latitude", "Longitude",
           "AgentID", "MsgID", "PopupScene", "ErrorCode", "Count"}

Field = tuple[str, Any]  # a value is a string, a number, or a list of nested field lists (repeated elements)


@dataclass(frozen=True)
class Sample:
    name: str
    channel: str  # "mp" | "work"
    fields: tuple[Field, ...]  # after ToUserName, FromUserName, CreateTime
    expect: tuple[str, ...]

    @property
    def is_event(self) -> bool:
        return dict(self.fields).get("MsgType") == "event"


def _m(kind: str, *fields: Field) -> tuple[Field, ...]:
    return (("MsgType", kind), *fields, ("MsgId", "{msgid}"))


def _e(event: str, *fields: Field) -> tuple[Field, ...]:
    return (("MsgType", "event"), ("Event", event), *fields)


SUCCESS = ("success",)
POPUP_LIST = [[("TemplateId", "SUB-qf-case-progress"), ("SubscribeStatusString", "accept"), ("PopupScene", 0)],
              [("TemplateId", "SUB-qf-other-notice"), ("SubscribeStatusString", "reject"), ("PopupScene", 0)]]

MP: list[Sample] = [
    # --- messages -------------------------------------------------------------------------------
    Sample("text-help", "mp", _m("text", ("Content", "帮助")), ("is", HELP_TEXT)),
    Sample("text-report", "mp", _m("text", ("Content", "举报")), ("is", R.START)),
    Sample("text-subsidy", "mp", _m("text", ("Content", "查补贴")), ("is", S.START)),
    Sample("text-chat", "mp", _m("text", ("Content", "今天天气怎么样")), ("is", NOT_UNDERSTOOD)),
    Sample("text-complaint", "mp", _m("text", ("Content", "胡家庄村会计把我家的低保钱扣了一半")), ("any",)),
    Sample("image", "mp", _m("image", ("PicUrl", "http://mmbiz.example/pic/1.jpg"), ("MediaId", "media-sample-1")),
           ("is", R.MEDIA_FIRST)),
    Sample("voice-recognised", "mp", _m("voice", ("MediaId", "voice-sample-1"), ("Format", "amr"),
                                        ("Recognition", "帮助")), ("is", HELP_TEXT)),
    Sample("voice-unrecognised", "mp", _m("voice", ("MediaId", "voice-sample-2"), ("Format", "amr")),
           ("is", R.VOICE_FIRST)),
    Sample("video", "mp", _m("video", ("MediaId", "video-sample-1"), ("ThumbMediaId", "media-thumb-1")),
           ("is", R.MEDIA_FIRST)),
    Sample("shortvideo", "mp", _m("shortvideo", ("MediaId", "video-sample-2"), ("ThumbMediaId", "media-thumb-2")),
           ("is", R.MEDIA_FIRST)),
    Sample("location", "mp", _m("location", ("Location_X", 30.6701), ("Location_Y", 104.0503), ("Scale", 16),
                                ("Label", "南坝镇胡家庄村村委会")), ("is", LOCATION_NO_REPORT)),
    Sample("link", "mp", _m("link", ("Title", "村务公开栏"), ("Description", "本月公开"),
                            ("Url", "https://example.org/cunwu/2026-11")), ("is", LINK_NO_REPORT)),
    Sample("miniprogrampage", "mp", _m("miniprogrampage", ("Title", "清风"), ("AppId", "wx00qingfengmini"),
                                       ("PagePath", "pages/index/index"), ("ThumbUrl", "http://mmbiz.example/t.jpg"),
                                       ("ThumbMediaId", "media-thumb-3")), ("is", CARD)),
    Sample("file", "mp", _m("file", ("Title", "账本.xlsx"), ("FileKey", "fk1"), ("FileMd5", "d41d8cd9"),
                            ("FileTotalLen", "2048")), ("is", CANNOT_READ)),
    Sample("unknown-type", "mp", _m("notsure", ("Content", "x")), ("is", CANNOT_READ)),
    # --- follows and scans ---------------------------------------------------------------------
    Sample("subscribe", "mp", _e("subscribe"), ("is", WELCOME_TEXT)),
    Sample("subscribe-empty-key", "mp", _e("subscribe", ("EventKey", "")), ("is", WELCOME_TEXT)),
    Sample("subscribe-village-qr", "mp", _e("subscribe", ("EventKey", f"qrscene_{HUJIA}"), ("Ticket", "gQsample1")),
           ("has", SCANNED.format(place="南坝镇胡家庄村"))),
    Sample("subscribe-other-qr", "mp", _e("subscribe", ("EventKey", "qrscene_123"), ("Ticket", "gQsample2")),
           ("is", WELCOME_TEXT)),
    Sample("subscribe-product", "mp", _e("subscribe", ("EventKey", "scanbarcode|EAN_13|6901234567892")),
           ("is", WELCOME_TEXT)),
    Sample("subscribe-image-scan", "mp", _e("subscribe", ("EventKey", "scanimage|sample")), ("is", WELCOME_TEXT)),
    Sample("scan-village", "mp", _e("SCAN", ("EventKey", HUJIA), ("Ticket", "gQsample3")),
           ("is", SCANNED.format(place="南坝镇胡家庄村"))),
    Sample("scan-other", "mp", _e("SCAN", ("EventKey", "123"), ("Ticket", "gQsample4")), SUCCESS),
    Sample("unsubscribe", "mp", _e("unsubscribe", ("EventKey", "")), SUCCESS),
    # --- the menu ------------------------------------------------------------------------------
    Sample("click-report", "mp", _e("CLICK", ("EventKey", "REPORT")), ("is", R.START)),
    Sample("click-progress", "mp", _e("CLICK", ("EventKey", "PROGRESS")), ("any",)),
    Sample("click-myreports", "mp", _e("CLICK", ("EventKey", "MYREPORTS")), ("any",)),
    Sample("click-subsidy", "mp", _e("CLICK", ("EventKey", "SUBSIDY")), ("is", S.START)),
    Sample("click-help", "mp", _e("CLICK", ("EventKey", "HELP")), ("is", HELP_TEXT)),
    Sample("click-unknown", "mp", _e("CLICK", ("EventKey", "OLD_MENU_KEY")), SUCCESS),
    Sample("view", "mp", _e("VIEW", ("EventKey", "https://example.org/"), ("MenuId", "41")), SUCCESS),
    Sample("view-miniprogram", "mp", _e("view_miniprogram", ("EventKey", "pages/index/index"), ("MenuId", "42")),
           SUCCESS),
    Sample("scancode-push", "mp", _e("scancode_push", ("EventKey", "scan1"),
                                     ("ScanCodeInfo", [[("ScanType", "qrcode"), ("ScanResult", "1")]])), SUCCESS),
    Sample("scancode-waitmsg", "mp", _e("scancode_waitmsg", ("EventKey", "scan2"),
                                        ("ScanCodeInfo", [[("ScanType", "qrcode"), ("ScanResult", "2")]])), SUCCESS),
    Sample("pic-sysphoto", "mp", _e("pic_sysphoto", ("EventKey", "p1"),
                                    ("SendPicsInfo", [[("Count", 1), ("PicList", [[("item", [[("PicMd5Sum", "a1")]])]])]])),
           SUCCESS),
    Sample("pic-photo-or-album", "mp", _e("pic_photo_or_album", ("EventKey", "p2"),
                                          ("SendPicsInfo", [[("Count", 0)]])), SUCCESS),
    Sample("pic-weixin", "mp", _e("pic_weixin", ("EventKey", "p3"), ("SendPicsInfo", [[("Count", 0)]])), SUCCESS),
    Sample("location-select", "mp", _e("location_select", ("EventKey", "loc1"),
                                       ("SendLocationInfo", [[("Location_X", 30.67), ("Location_Y", 104.05),
                                                              ("Scale", 15), ("Label", "胡家庄村"),
                                                              ("Poiname", "")]])), SUCCESS),
    # --- reports WeChat sends by itself --------------------------------------------------------
    Sample("location-report", "mp", _e("LOCATION", ("Latitude", 30.6701), ("Longitude", 104.0503),
                                       ("Precision", 65)), SUCCESS),
    Sample("templatesendjobfinish", "mp", _e("TEMPLATESENDJOBFINISH", ("MsgID", 4242), ("Status", "success")),
           SUCCESS),
    Sample("masssendjobfinish", "mp", _e("MASSSENDJOBFINISH", ("MsgID", 4243), ("Status", "send success"),
                                         ("TotalCount", "3"), ("FilterCount", "3"), ("SentCount", "3"),
                                         ("ErrorCount", 0)), SUCCESS),
    Sample("subscribe-msg-popup", "mp", _e("subscribe_msg_popup_event", ("SubscribeMsgPopupEvent",
                                                                         [[("List", POPUP_LIST)]])), SUCCESS),
    Sample("subscribe-msg-change", "mp", _e("subscribe_msg_change_event", ("SubscribeMsgChangeEvent", [[("List", [
        [("TemplateId", "SUB-qf-case-progress"), ("SubscribeStatusString", "reject")]])]])), SUCCESS),
    Sample("subscribe-msg-sent", "mp", _e("subscribe_msg_sent_event", ("SubscribeMsgSentEvent", [[("List", [
        [("TemplateId", "SUB-qf-case-progress"), ("MsgID", 77), ("ErrorCode", 0),
         ("ErrorStatus", "success")]])]])), SUCCESS),
    Sample("kf-create-session", "mp", _e("kf_create_session", ("KfAccount", "kf2001@qingfeng")), SUCCESS),
    Sample("kf-close-session", "mp", _e("kf_close_session", ("KfAccount", "kf2001@qingfeng")), SUCCESS),
    Sample("kf-switch-session", "mp", _e("kf_switch_session", ("FromKfAccount", "kf1@q"), ("ToKfAccount", "kf2@q")),
           SUCCESS),
    Sample("user-enter-tempsession", "mp", _e("user_enter_tempsession", ("SessionFrom", "weapp")), SUCCESS),
    Sample("qualification-verify", "mp", _e("qualification_verify_success", ("ExpiredTime", "1800000000")), SUCCESS),
    Sample("annual-renew", "mp", _e("annual_renew", ("ExpiredTime", "1800000000")), SUCCESS),
    Sample("wxa-media-check", "mp", _e("wxa_media_check", ("appid", "wx00qingfengmini"), ("trace_id", "t1"),
                                       ("version", "2")), SUCCESS),
    Sample("device-event", "mp", (("MsgType", "device_event"), ("Event", "bind"), ("DeviceType", "gh_d"),
                                  ("DeviceID", "dev1"), ("Content", "x"), ("SessionID", "9"),
                                  ("OpenID", "{sender}")), SUCCESS),
    Sample("shakearound", "mp", _e("ShakearoundUserShake", ("ChosenBeacon", [[("Uuid", "u"), ("Major", "1"),
                                                                                ("Minor", "2"),
                                                                                ("Distance", "0.5")]])), SUCCESS),
    Sample("unknown-event", "mp", _e("some_event_added_next_year", ("EventKey", "x")), SUCCESS),
]

WORK: list[Sample] = [
    Sample("work-text", "work", _m("text", ("Content", "帮助"), ("AgentID", 1000002)), ("any",)),
    Sample("work-image", "work", _m("image", ("PicUrl", "http://wework.example/1.jpg"), ("MediaId", "media-w1"),
                                    ("AgentID", 1000002)), ("any",)),
    Sample("work-voice", "work", _m("voice", ("MediaId", "voice-w1"), ("Format", "amr"), ("AgentID", 1000002)),
           ("any",)),
    Sample("work-video", "work", _m("video", ("MediaId", "video-w1"), ("ThumbMediaId", "media-w2"),
                                    ("AgentID", 1000002)), ("any",)),
    Sample("work-location", "work", _m("location", ("Location_X", 30.67), ("Location_Y", 104.05), ("Scale", 15),
                                       ("Label", "南坝镇"), ("AgentID", 1000002)), ("any",)),
    Sample("work-link", "work", _m("link", ("Title", "通知"), ("Description", "d"), ("Url", "https://example.org/"),
                                   ("PicUrl", ""), ("AgentID", 1000002)), ("any",)),
    Sample("work-subscribe", "work", _e("subscribe", ("AgentID", 1000002)), ("is", STAFF_WELCOME)),
    Sample("work-unsubscribe", "work", _e("unsubscribe", ("AgentID", 1000002)), SUCCESS),
    Sample("work-enter-agent", "work", _e("enter_agent", ("EventKey", ""), ("AgentID", 1000002)), SUCCESS),
    Sample("work-click", "work", _e("click", ("EventKey", "NO_SUCH_KEY"), ("AgentID", 1000002)), SUCCESS),
    Sample("work-view", "work", _e("view", ("EventKey", "https://example.org/"), ("AgentID", 1000002)), SUCCESS),
    Sample("work-location-report", "work", _e("LOCATION", ("Latitude", 30.67), ("Longitude", 104.05),
                                              ("Precision", 30), ("AgentID", 1000002)), SUCCESS),
    Sample("work-batch-job", "work", _e("batch_job_result", ("BatchJob", [[("JobId", "j1"), ("JobType", "sync_user"),
                                                                           ("ErrCode", "0"), ("ErrMsg", "ok")]])),
           SUCCESS),
    Sample("work-change-contact", "work", _e("change_contact", ("ChangeType", "update_user"), ("UserID", "lisi"),
                                             ("Department", "1,2"), ("AgentID", 1000002)), SUCCESS),
    Sample("work-change-external-contact", "work", _e("change_external_contact", ("ChangeType", "add_external_contact"),
                                                      ("UserID", "lisi"), ("ExternalUserID", "wmX"),
                                                      ("WelcomeCode", "w")), SUCCESS),
    Sample("work-template-card", "work", _e("template_card_event", ("EventKey", "btn1"), ("TaskId", "t1"),
                                            ("CardType", "button_interaction"), ("ResponseCode", "rc"),
                                            ("AgentID", 1000002)), SUCCESS),
    Sample("work-template-card-menu", "work", _e("template_card_menu_event", ("EventKey", "m1"), ("TaskId", "t2"),
                                                 ("CardType", "text_notice"), ("AgentID", 1000002)), SUCCESS),
    Sample("work-add-schedule", "work", _e("add_schedule", ("CalId", "c1"), ("ScheduleId", "s1")), SUCCESS),
    Sample("work-modify-schedule", "work", _e("modify_schedule", ("CalId", "c1"), ("ScheduleId", "s1")), SUCCESS),
    Sample("work-delete-schedule", "work", _e("delete_schedule", ("CalId", "c1"), ("ScheduleId", "s1")), SUCCESS),
    Sample("work-modify-calendar", "work", _e("modify_calendar", ("CalId", "c1")), SUCCESS),
    Sample("work-delete-calendar", "work", _e("delete_calendar", ("CalId", "c1")), SUCCESS),
    Sample("work-book-meeting-room", "work", _e("book_meeting_room", ("FromUser", "lisi"), ("MeetingRoomId", "1"),
                                                ("BookingId", "b1"), ("StartTime", "1800000000"),
                                                ("EndTime", "1800003600")), SUCCESS),
    Sample("work-cancel-meeting-room", "work", _e("cancel_meeting_room", ("FromUser", "lisi"),
                                                  ("MeetingRoomId", "1"), ("BookingId", "b1")), SUCCESS),
    Sample("work-approval", "work", _e("sys_approval_change", ("ApprovalInfo", [[("SpNo", "2026"),
                                                                                  ("SpStatus", "2")]]),
                                       ("AgentID", 1000002)), SUCCESS),
    Sample("work-unknown-event", "work", _e("some_wecom_event_added_next_year", ("AgentID", 1000002)), SUCCESS),
]

SAMPLES = MP + WORK


def _value(name: str, value: Any, sub: dict[str, str]) -> str:
    text = str(value).format(**sub) if isinstance(value, str) else str(value)
    if name in NUMBERS and not isinstance(value, str) or text.lstrip("-").isdigit() and name in NUMBERS:
        return text
    return "<![CDATA[" + text + "]]>"


def _fields(fields: Any, sub: dict[str, str], indent: str, nl: str) -> str:
    out = []
    for name, value in fields:
        if isinstance(value, list):  # repeated or nested elements
            for child in value:
                out.append(f"{indent}<{name}>{nl}{_fields(child, sub, indent + '    ' if nl else '', nl)}"
                           f"{indent}</{name}>{nl}")
        else:
            out.append(f"{indent}<{name}>{_value(name, value, sub)}</{name}>{nl}")
    return "".join(out)


def render(sample: Sample, style: str, *, sender: str, account: str, now: int, msgid: int) -> str:
    """The XML of `sample` in `style` "wechatpy" (a line per field) or "werobot" (indented, padded)."""
    sub = {"sender": sender, "msgid": str(msgid)}
    head = (("ToUserName", account), ("FromUserName", sender), ("CreateTime", now))
    fields = (*head, *sample.fields)
    if style == "wechatpy":
        return "<xml>\n" + _fields(fields, sub, "", "\n") + "</xml>"
    return "\n    <xml>\n" + _fields(fields, sub, "        ", "\n") + "    </xml>\n    "
