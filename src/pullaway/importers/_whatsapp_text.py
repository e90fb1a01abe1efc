"""WhatsApp's own words, as data: placeholders, tombstones, notices and file-name prefixes.

The strings are facts about WhatsApp exports, collected from public parsers and issue threads
(see docs/formats/whatsapp.md and the notes' §3). They are matched case-insensitively against
a body whose leading bidi marks were removed; bodies themselves are never rewritten.

Every pattern here is written for both Python's ``re`` and Polars' Rust regex engine, so no
lookarounds and no backreferences.
"""

from __future__ import annotations

import re
from typing import Final

# Invisible characters that WhatsApp puts around headers, names and notes (§3.2).
BIDI_MARKS: Final = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
MARKS: Final = f"[{BIDI_MARKS}]*"
# Spaces seen between the parts of a header: normal, no-break, narrow no-break, thin.
SPACE: Final = "[ \u00a0\u202f\u2009]"


def _alternatives(*phrases: str) -> str:
    return "|".join(phrases)


def _literals(*phrases: str) -> str:
    """``_alternatives`` of phrases taken as written, not as regexes."""
    return _alternatives(*map(re.escape, phrases))


# Android writes one generic placeholder per language ("export without media").
_GENERIC_MEDIA: Final = _alternatives(
    "media omitted",
    "multimedia omitido",
    "archivo omitido",
    "m[íi]dia omitida",
    "ficheiro n[ãa]o revelado",
    "medien ausgeschlossen",
    "medien weggelassen",
    "m[ée]dias omis",
    "fichier omis",
    "media omessi",
    "media weggelaten",
    "без медиафайлов",
    "medya atlanm[ıi][şs]",
    "pomini[ęe]to multimedia",
)
# The same in other languages, as chat-analytics' table lists them (pipeline/parse/parsers/
# WhatsApp.ts), two spellings for many (older and newer app versions). Android puts them in
# angle brackets, which are required here: a short phrase alone ("без файл") may be a message.
_BRACKETED_MEDIA: Final = _literals(
    "media weggelaat",  # af
    "تم استبعاد الوسائط",  # ar
    "media buraxıldı",  # az
    "media çıxarılmışdır",
    "без файл",  # bg
    "মিডিয়া বাদ দেওয়া হয়েছে",  # bn
    "fitxers multimèdia omesos",  # ca
    "mitjans omesos",
    "média vynechány",  # cs
    "média vynechána",
    "medier udeladt",  # da
    "mediefil udeladt",
    "αρχείο παραλήφθηκε",  # el
    "εξαίρεση πολυμέσων",
    "meedia välja jäetud",  # et
    "meedia ära jäetud",
    "رسانه حذف شد",  # fa
    "پيوست نما/آهنگ حذف شد",
    "media jätettiin pois",  # fi
    "media jätetty pois",
    "મિડિયા છોડી મૂકાયું",  # gu
    "મીડિયા અવગણવામાં આવ્યા",
    "मीडिया के बिना",  # hi
    "medijski zapis izostavljen",  # hr
    "média elhagyva",  # hu
    "hiányzó médiafájl",
    "media tidak disertakan",  # id
    "media omesso",  # it
    "המדיה לא נכללה",  # he
    "מדיה הושמטה",
    "メディアなし",  # ja
    "メディアは含まれていません",
    "файлдар қосылмаған",  # kk
    "файл қосылған жоқ",
    "ಮಾಧ್ಯಮ ಕೈಬಿಡಲಾಗಿದೆ",  # kn
    "미디어 파일 제외됨",  # ko
    "미디어 파일을 생략한 대화내용",
    "ບໍ່ລວມມີເດຍ",  # lo
    "medija praleista",  # lt
    "praleistas medijos turinys",
    "nav iekļauta multivide",  # lv
    "bez multivides",
    "без фајлови",  # mk
    "без фајл",
    "മീഡിയ ഒഴിവാക്കി",  # ml
    "मीडिया वगळण्यात आला",  # mr
    "मीडिया वगळले",
    "media dikecualikan",  # ms
    "media disingkirkan",
    "media utelatt",  # nb
    "uten vedlegg",
    "ਮੀਡੀਆ ਛੱਡਿਆ",  # pa
    "ਮੀਡੀਆ ਛਡਿਆ ਗਿਆ",
    "pliki pominięto",  # pl
    "conținut media omis",  # ro
    "файл пропущен",  # ru
    "médiá vynechané",  # sk
    "datoteke izpuščene",  # sl
    "medij izpuščen",
    "media u hoq",  # sq
    "media hequr",
    "медији су изостављени",  # sr
    "media utelämnat",  # sv
    "media har utelämnats",
    "media hazijajumuishwa",  # sw
    "media imerukwa",
    "கோப்புகள் விடப்பட்டன",  # ta
    "ஊடகங்கள் நீக்கப்பட்டது",
    "మీడియా విస్మరించబడింది",  # te
    "మాధ్యమం విస్మరించబడింది",
    "ไฟล์สื่อถูกลบ",  # th
    "สื่อถูกลบ",
    "inalis ang media",  # tl
    "walang kalakip na media",
    "medya dahil edilmedi",  # tr
    "медіа пропущено",  # uk
    "میڈیا چھوڑ دیا گیا",  # ur
    "میڈیا ہٹا دیا گیا",
    "fayl o‘tkazib yuborildi",  # uz
    "bỏ qua tệp phương tiện",  # vi
    "bỏ qua media",
    "忽略多媒體檔",  # zh
    "省略多媒体文件",
)
# iOS writes one placeholder per type.
_VOICE_WORDS: Final = _alternatives(
    "audio omitted",
    "audio omitido",
    "audio weggelassen",
    "[áa]udio ocultado",
    "audio omis",
    "audio omesso",
)
_STICKER_WORDS: Final = _alternatives(
    "sticker omitted",
    "sticker omitido",
    "sticker weggelassen",
    "figurinha omitida",
    "autocollant omis",
    "sticker non incluso",
    "sticker omesso",
)
_MEDIA_WORDS: Final = _alternatives(
    _GENERIC_MEDIA,
    "(?:image|video|gif|document|contact card) omitted",
    "(?:imagen omitida|video omitido|gif omitido|documento omitido)",
    "(?:bild|video|gif|dokument) weggelassen",
    "(?:imagem ocultada|v[íi]deo ocultado|documento ocultado|gif omitido)",
    "(?:image absente|vid[ée]o absente|gif omis|document omis)",
    "(?:immagine omessa|video omesso|documento omesso)",
)
_FILE_ATTACHED: Final = _alternatives(
    "file attached",
    "datei angeh[äa]ngt",
    "archivo adjunto",
    "arquivo anexado",
    "fichier joint",
    "file allegato",
    # The app's other languages, as the export-mail reader of CHAT_FILE_NAMES lists them.
    _literals(
        "lêer aangeheg",  # af
        "الملف مرفق",  # ar
        "fayl əlavə olunub",  # az
        "прикачен файл",  # bg
        "ফাইল সংযুক্ত হয়েছে",  # bn
        "arxiu adjunt",  # ca
        "soubor byl přiložen",  # cs
        "fil vedhæftet",  # da
        "συνημμένο αρχείο",  # el
        "archivo adjuntado",  # es
        "fail lisatud",  # et
        "liitetiedosto",  # fi
        "ફાઇલ જોડાયેલ",  # gu
        "קובץ מצורף",  # he
        "फाइल अटैच कर दी गई है",  # hi
        "datoteka u privitku",  # hr
        "fájl csatolva",  # hu
        "file terlampir",  # id
        "添付ファイル有り",  # ja
        "қосымша файл",  # kk
        "ಕಡತ ಸೇರಿಸಲಾಯಿತು",  # kn
        "파일 첨부됨",  # ko
        "byla prisegta",  # lt
        "pievienots fails",  # lv
        "прикачен фајл",  # mk
        "ഫയൽ ചേർത്തു",  # ml
        "फाइल संलग्न",  # mr
        "fail dilampirkan",  # ms
        "vedlagt fil",  # nb
        "bestand bijgevoegd",  # nl
        "ਫਾਈਲ ਅਟੈਚ ਕੀਤੀ",  # pa
        "załączony plik",  # pl
        "ficheiro anexado",  # pt
        "fișier atașat",  # ro
        "файл добавлен",  # ru
        "súbor pripojený",  # sk
        "priložena datoteka",  # sl
        "skedë e ngjitur",  # sq
        "прикачена датотека",  # sr
        "bifogad fil",  # sv
        "faili limeambatanishwa",  # sw
        "ఫైల్ జోడించబడినది",  # te
        "ไฟล์ที่แนบ",  # th
        "nakalakip na file",  # tl
        "dosya ekli",  # tr
        "файл додано",  # uk
        "پیوستہ فائل",  # ur
        "fayl biriktirildi",  # uz
        "tệp đính kèm",  # vi
        "文件附件",  # zh-CN
        "附件檔案",  # zh-TW
    ),
)
# Two languages write it without brackets, Persian before the file's name and Tamil after
# it: the name must then look like a file's (``IMG-20250113-WA0001.jpg``), for a message may
# end with Tamil's "connected" too.
_FILE_NAME: Final = "[^\\s<>]+\\.\\w{2,5}"
_FILE_ATTACHED_BARE: Final = f"فایل پیوست شد {_FILE_NAME}|{_FILE_NAME} இணைக்கப்பட்டது"

_OPEN: Final = f"(?i)^{MARKS}\\s*"
_CLOSE: Final = "\\s*$"

VOICE_PLACEHOLDER: Final = f"{_OPEN}<?(?:{_VOICE_WORDS})>?{_CLOSE}"
STICKER_PLACEHOLDER: Final = f"{_OPEN}<?(?:{_STICKER_WORDS})>?{_CLOSE}"
MEDIA_PLACEHOLDER: Final = (
    f"{_OPEN}(?:<?(?:{_MEDIA_WORDS})>?|<\\s*(?:{_BRACKETED_MEDIA})\\s*>){_CLOSE}"
)

# "Export with media": a file name instead of a placeholder (Pustur's parseAttachments forms).
# iOS tags the file in the phone's language (``<adjunto: 00000005-VIDEO-….mp4>``, French with a
# space before the colon), after the words typed with it, if any (a caption, or a document's
# name and pages: ``Informe.pdf • 3 pages <attached: 00001416-Informe.pdf>``).
_ATTACHED_TAG: Final = (
    f"{MARKS}<{MARKS}\\s*(?:attached|adjunto|anexado|anhang|pi[èe]ce jointe|allegato) ?: [^>]+>"
)
ATTACHMENT: Final = (
    f"{_OPEN}(?:{_ATTACHED_TAG}|\\S[^<>]* \\((?:{_FILE_ATTACHED})\\)|{_FILE_ATTACHED_BARE}"
    f"|\\S+ <{MARKS}attached>){_CLOSE}"
)
ATTACHED_AT_END: Final = f"(?i){_ATTACHED_TAG}{_CLOSE}"
"""A body that ends with an iOS attachment tag (a test from the end, for Polars)."""
CAPTIONED_ATTACHMENT: Final = (
    f"{_OPEN}(?P<caption>.*?[^\\s{BIDI_MARKS}])\\s*{_ATTACHED_TAG}{_CLOSE}"
)
"""An iOS attachment tag after words typed with it, which ``caption`` holds."""
# Which attachments are voice notes or stickers, by WhatsApp's file names and types.
VOICE_FILE: Final = "(?i)(?:PTT-|-AUDIO-|\\.opus\\b|\\.m4a\\b|\\.aac\\b)"
STICKER_FILE: Final = "(?i)(?:STK-|-STICKER-|\\.webp\\b)"

DELETED: Final = (
    f"{_OPEN}(?:"
    + _alternatives(
        "this message was deleted",
        "you deleted this message",
        "se elimin[óo] este mensaje",
        "este mensaje fue eliminado",
        "eliminaste este mensaje",
        "esta mensagem foi apagada",
        "mensagem apagada",
        "voc[êe] apagou esta mensagem",
        "diese nachricht wurde gel[öo]scht",
        "du hast diese nachricht gel[öo]scht",
        "ce message a [ée]t[ée] supprim[ée]",
        "vous avez supprim[ée] ce message",
        "questo messaggio [èe] stato eliminato",
        "hai eliminato questo messaggio",
    )
    + f")\\.?{_CLOSE}"
)

CALL: Final = (
    f"{_OPEN}(?:"
    + _alternatives(
        "missed (?:voice|video) call",
        "(?:voice|video) call",
        "llamada (?:de voz |de video |)perdida",
        "chamada de (?:voz|v[íi]deo) perdida",
        "verpasster (?:sprach|video)anruf",
        "appel (?:vocal|vid[ée]o) manqu[ée]",
        "chiamata vocale persa",
        "videochiamata persa",
    )
    + ")(?:,.*)?$"
)

# The notice every chat starts with, in each supported language (anchored: it opens the body).
_ENCRYPTION: Final = _alternatives(
    "messages and calls are end-to-end encrypted",
    "messages to this (?:chat|group) and calls are now secured with end-to-end encryption",
    "messages to this (?:chat|group) are now secured with end-to-end encryption",
    "los mensajes y (?:las )?llamadas est[áa]n cifrados de extremo a extremo",
    "as mensagens e (?:as )?(?:chamadas|liga[çc][õo]es) (?:s[ãa]o|est[ãa]o) "
    "(?:protegidas|criptografadas|encriptadas)",
    "nachrichten und anrufe sind ende-zu-ende-verschl[üu]sselt",
    "les messages et (?:les )?appels sont chiffr[ée]s de bout en bout",
    "i messaggi e le chiamate sono crittografati",
    "berichten en oproepen worden end-to-end versleuteld",
    "сообщения и звонки защищены сквозным шифрованием",
    "mesajlar (?:ve aramalar )?u[çc]tan uca [şs]ifrelidir",
)
ENCRYPTION_NOTICE: Final = f"{_OPEN}(?:{_ENCRYPTION})"

# Group and chat events, written without an author (Android) or after the chat's name with a
# leading U+200E (iOS). Keywords rather than whole sentences: names sit in the middle.
SYSTEM_NOTICE: Final = (
    "(?i)(?:"
    + _alternatives(
        _ENCRYPTION,
        # English
        "created (?:group|this group)",
        "you were added",
        "\\badded\\b",
        "\\bleft$",
        "\\bremoved\\b",
        "changed (?:the subject|this group's|the group|their phone number|to\\b)",
        "joined using this group's invite link",
        "security code (?:with|changed)",
        "is a contact",
        "disappearing messages",
        "turned (?:on|off) disappearing",
        "now an admin",
        "blocked this contact",
        "unblocked this contact",
        "business account",
        "pinned a message",
        "deleted this group's icon",
        # Spanish
        "cre[óo] (?:el )?grupo",
        "te a[ñn]adi[óo]",
        "a[ñn]adi[óo] a",
        "\\bsali[óo]\\b",
        "elimin[óo] a",
        "cambi[óo] (?:el|la|su|de)",
        "se uni[óo]",
        "c[óo]digo de seguridad",
        "mensajes temporales",
        # Portuguese
        "criou (?:o )?grupo",
        "adicionou",
        "\\bsaiu\\b",
        "removeu",
        "(?:mudou|alterou) (?:o|a|de|seu)",
        "entrou usando",
        "c[óo]digo de seguran[çc]a",
        "mensagens tempor[áa]rias",
        # German
        "hat die gruppe",
        "gruppe .* erstellt",
        "hinzugef[üu]gt",
        "entfernt",
        "ge[äa]ndert",
        "sicherheitsnummer",
        "selbstl[öo]schende",
        # French
        "a cr[ée][ée] (?:le )?groupe",
        "a ajout[ée]",
        "vous a ajout[ée]",
        "est parti",
        "a retir[ée]",
        "a (?:chang[ée]|modifi[ée])",
        "code de s[ée]curit[ée]",
        "messages [ée]ph[ée]m[èe]res",
    )
    + ")"
)

# "<This message was edited>" and its translations, at the very end of a body.
EDITED_SUFFIX: Final = (
    f"[ \\t\\n\u00a0]*{MARKS}<(?:"
    + _alternatives(
        "This message was edited",
        "Se edit[óo] este mensaje\\.?",
        "Mensagem editada",
        "Diese Nachricht wurde bearbeitet\\.?",
        "Ce message a [ée]t[ée] modifi[ée]",
    )
    + ")>$"
)

# File names of exports, by the phone's language ("{}" is the partner's or group's name;
# §3.1): WhatsApp's own strings, as an app that reads its export mails lists them
# (kappa-mm's chatmatter LanguageTags), and the iOS zip's "WhatsApp Chat - {}".
CHAT_FILE_NAMES: Final = (
    "WhatsApp Chat with {}",
    "WhatsApp Chat - {}",
    "WhatsApp Gesprek met {}",  # af
    "دردشة واتساب مع {}",  # ar
    "{} ilə WhatsApp Söhbəti",  # az
    "WhatsApp Чат с {}",  # bg
    "{} এর সাথে WhatsApp চ্যাট",  # bn
    "Xat de WhatsApp amb {}",  # ca
    "Chat WhatsApp s uživatelem {}",  # cs
    "WhatsApp chat med {}",  # da
    "WhatsApp Chat mit {}",  # de
    "Συνομιλία WhatsApp με {}",  # el
    "Chat de WhatsApp con {}",  # es
    "WhatsApp'i vestlus kontaktiga {}",  # et
    "گفتگوی WhatsApp با {}",  # fa
    "WhatsApp-keskustelu henkilön {} kanssa",  # fi
    "Discussion WhatsApp avec {}",  # fr
    "{} સાથેની WhatsApp વાત",  # gu
    "צ'אט WhatsApp עם {}",  # he
    "{} के साथ WhatsApp चैट",  # hi
    "WhatsApp razgovor s {}",  # hr
    "WhatsApp csevegés vele: {}",  # hu
    "Chat WhatsApp dengan {}",  # id
    "Chat WhatsApp con {}",  # it
    "{}とのWhatsAppチャット",  # ja
    "WhatsApp чат: {}",  # kk
    "{} ಜೊತೆ WhatsApp ಸಂಭಾಷಣೆ",  # kn
    "{}님과의 WhatsApp 대화",  # ko
    "WhatsApp pokalbis su {}",  # lt
    "WhatsApp sarakste ar {}",  # lv
    "WhatsApp разговор со {}",  # mk
    "{} മായുള്ള WhatsApp ചാറ്റുകൾ",  # ml
    "{} सोबतच्या WhatsApp गप्पा",  # mr
    "Sembang WhatsApp dengan {}",  # ms
    "WhatsApp-samtale med {}",  # nb
    "WhatsApp-chat met {}",  # nl
    "{} ਨਾਲ WhatsApp ਗੱਲਬਾਤ",  # pa
    "Czat WhatsApp z {}",  # pl
    "Conversa no WhatsApp com {}",  # pt
    "Conversa do WhatsApp com {}",  # pt-BR
    "Conversație WhatsApp cu {}",  # ro
    "Чат WhatsApp с {}",  # ru
    "WhatsApp chat s používateľom {}",  # sk
    "WhatsApp klepet z {}",  # sl
    "Biseda me {} në WhatsApp",  # sq
    "WhatsApp Ћаскање са {}",  # sr
    "WhatsApp-chatt med {}",  # sv
    "Soga za WhatsApp na {}",  # sw
    "{} உடன் WhatsApp உரையாடல்",  # ta
    "{} తో WhatsApp సంభాషణ",  # te
    "แชท WhatsApp กับ {}",  # th
    "WhatsApp Chat kay {}",  # tl
    "{} ile WhatsApp Sohbeti",  # tr
    "Бесіда WhatsApp з {}",  # uk
    "{} کے ساتھ WhatsApp بات چیت",  # ur
    "{} bilan WhatsApp chati",  # uz
    "Trò chuyện WhatsApp với {}",  # vi
    "WhatsApp 与 {} 的对话",  # zh-CN
    "WhatsApp 與 {} 的對話",  # zh-TW, zh-HK
)
