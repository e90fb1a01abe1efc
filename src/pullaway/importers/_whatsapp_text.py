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
# iOS writes one placeholder per type. Beyond English, Spanish, Portuguese, German, French and
# Italian, the app's other languages as whats_json (starkdmi/whats_json, lib/src/patterns.dart)
# lists them from the iOS app's Localizable.strings.
_VOICE_WORDS: Final = _alternatives(
    "audio omitted",
    "audio omitido",
    "audio weggelassen",
    "[áa]udio ocultado",
    "audio omis",
    "audio omesso",
)
_OTHER_VOICE_WORDS: Final = _literals(
    "لم يتم إدراج المقاطع الصوتية",  # ar
    "অডিও বাদ দেওয়া হয়েছে",  # bn
    "àudio omès",  # ca
    "zvukový soubor vynechán",  # cs
    "lyd udeladt",  # da
    "ήχος παραλείφθηκε",  # el
    "صدا حذف شد",  # fa
    "äänitiedostoa ei sisällytetä",  # fi
    "comhad fuaime ar lár",  # ga
    "ઓડિયો ફાઇલ શામેલ કરી નથી",  # gu
    "קטע קול הושמט",  # he
    "ऑडियो हटाई गयी",  # hi
    "zvuk izostavljen",  # hr
    "hang kihagyása",  # hu
    "audio tidak disertakan",  # id
    "音声は含まれていません",  # ja
    "오디오 생략됨",  # ko
    "ऑडिओ वगळला",  # mr
    "audio tidak dimasukkan",  # ms
    "lyd utelatt",  # nb
    "audio weggelaten",  # nl
    "audio pominięte",  # pl
    "ficheiro de áudio não revelado",  # pt-PT
    "fără audio",  # ro
    "аудиофайл отсутствует",  # ru
    "zvuk vynechaný",  # sk
    "ljud utelslutet",  # sv (as the app spells it)
    "ไม่มีไฟล์เสียง",  # th
    "ses dahil edilmedi",  # tr
    "аудіо відсутнє",  # uk
    "آڈیو نظرانداز",  # ur
    "bỏ qua tệp âm thanh",  # vi
    "音频已忽略",  # zh-CN
    "音訊已略去",  # zh-HK
    "音訊已省略",  # zh-TW
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
_OTHER_STICKER_WORDS: Final = _literals(
    "تم حذف الملصقات",  # ar
    "স্টিকার বাদ দেওয়া হয়েছে",  # bn
    "adhesiu omès",  # ca
    "nálepka vynechána",  # cs
    "klistermærke udeladt",  # da
    "αυτοκόλλητο παραλήφθηκε",  # el
    "استیکر حذف شد",  # fa
    "tarraa ei sisällytetty",  # fi
    "sticker omis",  # fr
    "fágadh an greamán ar lár",  # ga
    "સ્ટીકર પડતું મુકાયું",  # gu
    "סטיקר הושמט",  # he
    "स्टिकर छोड़ा गया",  # hi
    "naljepnica izostavljena",  # hr
    "matrica kihagyva",  # hu
    "stiker tidak disertakan",  # id
    "スタンプは含まれていません",  # ja
    "스티커 제외됨",  # ko
    "स्टिकर वगळले",  # mr
    "pelekat tidak disertakan",  # ms
    "klistremerke utelatt",  # nb
    "sticker weggelaten",  # nl
    "pominięto naklejkę",  # pl
    "sticker não revelado",  # pt-PT
    "стикер не добавлен",  # ru
    "nálepka vynechaná",  # sk
    "sticker utesluten",  # sv
    "ไม่มีสติกเกอร์",  # th
    "çıkartma dahil edilmedi",  # tr
    "наклейку не додано",  # uk
    "اسٹیکر نظرانداز",  # ur
    "đã bỏ sticker",  # vi
    "贴图已省略",  # zh-CN
    "貼圖已略去",  # zh-HK
    "貼圖已忽略",  # zh-TW
)
# iOS's "document omitted" follows the file's name (``Report.pdf • 3 pages document omitted``).
_DOCUMENT_WORDS: Final = _alternatives(
    "document omitted",
    "documento omitido",
    "dokument weggelassen",
    "documento ocultado",
    "document omis",
    "documento omesso",
)
_OTHER_DOCUMENT_WORDS: Final = _literals(
    "لم يتم إدراج المستند",  # ar
    "ডকুমেন্ট বাদ দেওয়া হয়েছে",  # bn
    "document omès",  # ca
    "dokument vynechán",  # cs
    "dokument udeladt",  # da
    "έγγραφο παραλείφθηκε",  # el
    "سند حذف شد",  # fa
    "dokumenttia ei sisällytetä",  # fi
    "document manquant",  # fr
    "cáipéis ligthe ar lár",  # ga
    "ડોક્યુમેન્ટ સામેલ કર્યું નહિ",  # gu
    "מסמך הושמט",  # he
    "डॉक्यूमेंट छोड़ा गया",  # hi
    "dokument izostavljen",  # hr
    "dokumentum kihagyva",  # hu
    "dokumen tidak disertakan",  # id
    "ドキュメントは含まれていません",  # ja
    "문서 생략됨",  # ko
    "डॉक्युमेंट वगळले",  # mr
    "dokumen tidak dimasukkan",  # ms
    "utelatt dokument",  # nb
    "document weggelaten",  # nl
    "dokument pominięty",  # pl
    "documento não revelado",  # pt-PT
    "документ отсутствует",  # ru
    "dokument vynechaný",  # sk
    "dokument uteslutet",  # sv
    "ละเว้นเอกสาร",  # th
    "belge dahil edilmedi",  # tr
    "документ пропущено",  # uk
    "دستاویز نظرانداز",  # ur
    "đã bỏ qua tài liệu",  # vi
    "文档已省略",  # zh-CN
    "文件已略去",  # zh-HK
    "文件已忽略",  # zh-TW
)
_MEDIA_WORDS: Final = _alternatives(
    _GENERIC_MEDIA,
    _DOCUMENT_WORDS,
    "(?:image|video|gif|contact card) omitted",
    "(?:imagen omitida|video omitido|gif omitido)",
    "(?:bild|video|gif) weggelassen",
    "(?:imagem ocultada|v[íi]deo ocultado|gif omitido)",
    "(?:image absente|vid[ée]o absente|gif omis)",
    "(?:immagine omessa|video omesso)",
)
# Image, video, GIF and contact card, in that order, per language.
_OTHER_MEDIA_WORDS: Final = _literals(
    "لم يتم إدراج الصورة",  # ar
    "لم يتم إدراج الفيديوهات",
    "لم يتم إدراج صورة gif",
    "لم يتم إدراج بطاقة جهة اتصال",
    "ইমেজ বাদ দেওয়া হয়েছে",  # bn
    "ভিডিও বাদ দেওয়া হয়েছে",
    "জিআইএফ বাদ দেওয়া হয়েছে",
    "পরিচিতির কার্ড বাদ দেওয়া হয়েছে",
    "imatge omesa",  # ca
    "vídeo omès",
    "gif omès",
    "targeta de contacte omesa",
    "obrázek vynechán",  # cs
    "video vynecháno",
    "gif vynechán",
    "vizitka vynechána",
    "billede udeladt",  # da
    "video udeladt",
    "gif udeladt",
    "kontaktkort udeladt",
    "kontaktkarte ausgelassen",  # de
    "εικόνα παραλείφθηκε",  # el
    "βίντεο παραλείφθηκε",
    "παράληψη gif",
    "η κάρτα επαφής παραλήφθηκε",
    "tarjeta de contacto omitida",  # es
    "تصویر حذف شد",  # fa
    "ویدیو حذف شد",
    "gif حذف شد",
    "برگ مخاطب حذف شد",
    "ei kuvaa",  # fi
    "videota ei sisällytetä",
    "gif-animaatio jätetty pois",
    "yhteystietokortti jätettiin pois",
    "gif retiré",  # fr
    "fiche contact manquante",
    "íomhá ligthe ar lár",  # ga
    "físeán ligthe ar lár",
    "gif ligthe ar lár",
    "cárta teagmhála ar lár",
    "છબી પડતી મૂકાઈ",  # gu
    "વિડિયો પડતી મુકાઈ",
    "gif પડતી મૂકાઈ",
    "સંપર્કનું કાર્ડ પડતું મૂકાયું",
    "התמונה הושמטה",  # he
    "סרטון הווידאו הושמט",
    "gif הושמט",
    "כרטיס איש קשר הושמט",
    "फ़ोटो हटाई गई",  # hi
    "वीडियो छोड़ा गया",
    "gif छोड़ा गया",
    "कॉन्टैक्ट कार्ड छोड़ा गया",
    "slika izostavljena",  # hr
    "video izostavljen",
    "gif izostavljen",
    "posjetnica izostavljena",
    "kép küldése sikertelen",  # hu
    "videó kihagyva",
    "gif fájl kihagyása",
    "névjegykártya kihagyva",
    "gambar tidak disertakan",  # id
    "video tidak disertakan",
    "gif tidak disertakan",
    "kartu kontak tidak disertakan",
    "gif esclusa",  # it
    "scheda contatto omessa",
    "画像は含まれていません",  # ja
    "ビデオは含まれていません",
    "gifは含まれていません",
    "連絡先カードを省略",
    "이미지 생략됨",  # ko
    "비디오 생략됨",
    "gif 생략됨",
    "연락처 카드 생략됨",
    "इमेज वगळली",  # mr
    "व्हिडीओ वगळला",
    "gif वगळले",
    "संपर्क कार्ड वगळले",
    "imej tidak dimasukkan",  # ms
    "video tidak dimasukkan",
    "gif tidak dimasukkan",
    "kad kenalan tidak dimasukkan",
    "bilde ikke inkludert",  # nb
    "video utelatt",
    "gif utelatt",
    "kontaktkort sløyfet",
    "afbeelding weggelaten",  # nl
    "video weggelaten",
    "gif weggelaten",
    "visitekaartje weggelaten",
    "obraz pominięty",  # pl
    "wideo pominięte",
    "plik gif pominięty",
    "pominięta wizytówka kontaktu",
    "cartão do contato omitido",  # pt-BR
    "imagem não revelada",  # pt-PT
    "vídeo não revelado",
    "gif não revelada",
    "contacto não revelado",
    "imagine omisă",  # ro
    "clip video omis",
    "carte de vizită contact omisă",
    "изображение отсутствует",  # ru
    "видео отсутствует",
    "gif отсутствует",
    "карточка контакта отсутствует",
    "obrázok vynechaný",  # sk
    "video vynechané",
    "gif vynechaný",
    "karta kontaktu vynechaná",
    "bild utesluten",  # sv
    "video utesluten",
    "gif utesluten",
    "kontaktkort uteslutet",
    "ไม่มีรูปภาพ",  # th
    "วิดีโอถูกลบ",
    "ละเว้น gif",
    "บัตรรายชื่อที่ละเว้น",
    "görüntü dahil edilmedi",  # tr
    "video dahil edilmedi",
    "gif dahil edilmedi",
    "kişi kartı dahil edilmedi",
    "зображення відсутнє",  # uk
    "відео відсутнє",
    "gif-анімацію пропущено",
    "картка контакту відсутня",
    "تصویر نکال دی گئی ہے",  # ur
    "ویڈیو نظرانداز",
    "gif نظرانداز",
    "رابطہ کارڈ نظر انداز",
    "đã bỏ qua hình ảnh",  # vi
    "đã bỏ video",
    "đã bỏ qua ảnh gif",
    "bỏ qua thẻ liên lạc",
    "照片已忽略",  # zh-CN
    "视频已忽略",
    "gif 动态图已被忽略",
    "联系人卡片已忽略",
    "圖片已略去",  # zh-HK
    "影片已略去",
    "gif 已略去",
    "聯絡人卡片已略去",
    "圖像已省略",  # zh-TW
    "影片已省略",
    "gif 圖片已被省略",
    "聯絡人卡片已省略",
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
_AFTER_A_FILE_NAME: Final = "[^<>]*\\.\\w{2,5}[^<>]*\\s"
MEDIA_PLACEHOLDER: Final = (
    f"{_OPEN}(?:<?(?:{_MEDIA_WORDS})>?|<\\s*(?:{_BRACKETED_MEDIA})\\s*>"
    f"|{_AFTER_A_FILE_NAME}(?:{_DOCUMENT_WORDS})){_CLOSE}"
)
OTHER_VOICE_PLACEHOLDER: Final = f"{_OPEN}<?(?:{_OTHER_VOICE_WORDS})>?{_CLOSE}"
OTHER_STICKER_PLACEHOLDER: Final = f"{_OPEN}<?(?:{_OTHER_STICKER_WORDS})>?{_CLOSE}"
OTHER_MEDIA_PLACEHOLDER: Final = (
    f"{_OPEN}(?:<?(?:{_OTHER_MEDIA_WORDS}|{_OTHER_DOCUMENT_WORDS})>?"
    f"|{_AFTER_A_FILE_NAME}(?:{_OTHER_DOCUMENT_WORDS})){_CLOSE}"
)
"""iOS's placeholders in its other languages: large, so compiled and tried only for bodies
that the common ones leave as text (see ``_whatsapp_kinds.classify``)."""

# "Export with media": a file name instead of a placeholder (Pustur's parseAttachments forms).
# iOS tags the file in the phone's language (``<adjunto: 00000005-VIDEO-….mp4>``, French with a
# space before the colon), after the words typed with it, if any (a caption, or a document's
# name and pages: ``Informe.pdf • 3 pages <attached: 00001416-Informe.pdf>``).
_ATTACHED_TAG: Final = (
    f"{MARKS}<{MARKS}\\s*(?:(?:attached|adjunto|anexado|anhang|pi[èe]ce jointe|allegato) ?: [^>]+"
    "|[^:<>]{1,30} ?: [0-9]{8}-[^>]+)>"
)
"""iOS's tag in the languages above, or in any other around the file's name that iOS numbers
with eight digits (``<terlampir: 00000148-VIDEO-2022-03-27-21-44-16.mp4>``)."""
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
_COORDINATES: Final = "-?[0-9]+(?:\\.[0-9]+)?,-?[0-9]+(?:\\.[0-9]+)?"
LOCATION: Final = (
    f"{_OPEN}(?:[^:<>]{{1,40}}: https://maps\\.google\\.com/\\?q={_COORDINATES}"
    f"|[^:<>]{{1,200}}: https://foursquare\\.com/v/[0-9a-f]+){_CLOSE}"
)
"""A shared location, in any language: its label, then Google Maps at its coordinates
(``location: https://maps.google.com/?q=51.5021456,-0.127397``, ``Standort: …``,
``位置情報: …``, ``موقع: …``), or a place, its name and address, then its Foursquare page
(``Pimlico Gardens (London, United Kingdom): https://foursquare.com/v/4e89…``): whats_json's
real exports in 15 languages, Android and iOS."""
LOCATION_START: Final = "^[^:]*: https://(?:maps\\.google\\.com/\\?q=|foursquare\\.com/v/)"
"""What every ``LOCATION`` starts with, as a cheap test among the "may be special" ones: a
bounded label there made that test half as slow again on a million bodies."""
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

# Tombstones and missed calls as Android writes them, the whole body with no mark: WhatsApp's
# own strings as whats_json lists them (iOS keys qBly], GHe7G, A),w/ and PnA`x; Android
# revoked_msg_incoming, revoked_msg_outgoing, missed_voice_call and video_missed_call). Matched
# exactly (a hash lookup per message), so they cost no regular expression; iOS writes them
# behind a mark and often with a final ".", which ``_whatsapp_kinds`` strips first.
DELETED_BODIES: Final = (
    "This message was deleted",
    "You deleted this message",
    "הודעה זו נמחקה",  # he
    "מחקת את ההודעה הזו",
    "מחקת הודעה זו",
    "Данное сообщение удалено",  # ru
    "Вы удалили данное сообщение",
    "Вы удалили это сообщение",
    "Ce message a été supprimé",  # fr
    "Vous avez supprimé ce message",
    "Questo messaggio è stato eliminato",  # it
    "Hai eliminato questo messaggio",
    "Esta mensagem foi apagada",  # pt
    "Mensagem apagada",
    "Apagou esta mensagem",
    "Você apagou esta mensagem",
    "Se eliminó este mensaje",  # es
    "Este mensaje fue eliminado",
    "Eliminaste este mensaje",
    "Αυτό το μήνυμα διαγράφηκε",  # el
    "Διαγράψατε αυτό το μήνυμα",
    "Διαγράψατε το μήνυμα",
    "Це повідомлення було видалено",  # uk
    "Ви видалили це повідомлення",
    "Diese Nachricht wurde gelöscht",  # de
    "Du hast diese Nachricht gelöscht",
    "تم حذف هذه الرسالة",  # ar
    "لقد حذَفت هذه الرسالة",
    "أنت حذفت هذه الرسالة",
    "এই মেসেজটি বাদ দেওয়া হয়েছে",  # bn
    "আপনি এই মেসেজটি বাদ দিয়েছেন",
    "এই বার্তাটি মুছে ফেলা হয়েছে",
    "আপনি এই বার্তাটি মুছে ফেলেছেন",
    "此訊息已刪除",  # zh-HK, zh-TW
    "您已刪除此訊息",
    "这条消息已被删除",  # zh-CN
    "您已删除这条消息",
    "信息已删除",
    "您删除这个信息",
    "Tin nhắn này đã bị xóa",  # vi
    "Tin nhắn này đã bị xoá",
    "Bạn đã xóa tin nhắn này",
    "Bạn đã xoá tin nhắn này",
    "یہ میسج حذف کر دیا گیا ہے",  # ur
    "آپ نے یہ میسج حذف کر دیا ہے",
    "یہ پیغام حذف کیا گیا",
    "آپ نے اس پیغام کو حذف کیا",
    "Bu mesaj silindi",  # tr
    "Bu mesajı sildiniz",
    "ข้อความนี้ถูกลบแล้ว",  # th
    "ข้อความนี้ได้ถูกลบ",
    "คุณได้ลบข้อความนี้",
    "คุณลบข้อความนี้",
    "Det här meddelandet raderades",  # sv
    "Detta meddelande raderades",
    "Du har tagit bort meddelandet",
    "Du raderade det här meddelandet",
    "Du raderade detta meddelande",
    "Táto správa bola odstránená",  # sk
    "Túto správu ste odstránili",
    "Ta wiadomość została usunięta",  # pl
    "Usunąłeś(-ęłaś) tę wiadomość",
    "Usunąłeś(aś) tę wiadomość",
    "Acest mesaj a fost șters",  # ro
    "Ați șters acest mesaj",
    "Dit bericht is verwijderd",  # nl
    "U hebt dit bericht verwijderd",
    "Denne meldingen ble slettet",  # nb
    "Du slettet denne meldingen",
    "Mesej ini telah dipadam",  # ms
    "Anda telah memadamkan mesej ini",
    "हा मेसेज हटवण्यात आला",  # mr
    "तुम्ही हा मेसेज हटवला",
    "이 메시지는 삭제되었습니다",  # ko
    "삭제한 메시지입니다",
    "이 메시지를 삭제했습니다",
    "このメッセージは削除されました",  # ja
    "このメッセージを削除しました",
    "Ez az üzenet törlésre került",  # hu
    "Ezt az üzenetet törölted",
    "Törölted ezt az üzenetet",
    "Pesan ini dihapus",  # id
    "Pesan ini telah dihapus",
    "Anda menghapus pesan ini",
    "Anda telah menghapus pesan ini",
    "Ova je poruka izbrisana",  # hr
    "Ova poruka je izbrisana",
    "Izbrisali ste ovu poruku",
    "यह मैसेज डिलीट कर दिया गया है",  # hi
    "आपने यह मैसेज डिलीट किया",
    "यह संदेश मिटाया गया",
    "आपने यह संदेश मिटाया",
    "આ મેસેજ ડિલીટ કરાયો",  # gu
    "તમે આ મેસેજ ડિલીટ કર્યો",
    "Scriosadh an teachtaireacht seo",  # ga
    "Scrios tú an teachtaireacht seo",
    "Tämä viesti poistettiin",  # fi
    "Poistit tämän viestin",
    "این پیام حذف شده است",  # fa
    "این پیام حذف شد",
    "شما این پیام را حذف کردید",
    "Denne besked er blevet slettet",  # da
    "Denne besked blev slettet",
    "Du har slettet denne besked",
    "Du slettede denne besked",
    "Tato zpráva byla smazána",  # cs
    "Tato zpráva byla odstraněna",
    "Tuto zprávu jste smazal/a",
    "Tuto zprávu jste odstranil/a",
    "Aquest missatge s'ha suprimit",  # ca
    "Aquest missatge està esborrat",
    "Has suprimit aquest missatge",
    "Has esborrat aquest missatge",
    "Itong mensahe ay binura na",  # tl
    "Binura mo itong mensahe",
    "Šī ziņa tika izdzēsta",  # lv
    "Jūs izdzēsāt šo ziņu",
    "Бұл хат жойылды",  # kk
    "Сіз бұл хатты жойдыңыз",
    "Ushbu xabar o‘chirildi",  # uz
    "Siz ushbu xabarni o‘chirdingiz",
    "To sporočilo je bilo izbrisano",  # sl
    "To sporočilo ste izbrisali",
    "Ujumbe huu ulifutwa",  # sw
    "Umefuta ujumbe huu",
    "Ši žinutė buvo ištrinta",  # lt
    "Jūs ištrynėte šią žinutę",
    "See sõnum on kustutatud",  # et
    "Kustutasid selle sõnumi",
    "Съобщението беше изтрито",  # bg
    "Изтрихте това съобщение",
    "Hierdie boodskap was uitgevee",  # af
    "Jy het boodskap uitgevee",
    "Bu ismarıc silindi",  # az
    "Siz bu ismarıcı sildiniz",
    "Оваа порака беше избришана",  # mk
    "Ја избриша оваа порака",
    "Ова порука је обрисана",  # sr
    "Обрисао/ла си ову поруку",
)
CALL_BODIES: Final = (
    "Missed voice call",
    "Missed video call",
    "שיחה קולית שלא נענתה",  # he
    "שיחת וידאו שלא נענתה",
    "Пропущенный аудиозвонок",  # ru
    "Пропущенный видеозвонок",
    "Appel vocal manqué",  # fr
    "Appel vidéo manqué",
    "Chiamata vocale persa",  # it
    "Videochiamata persa",
    "Chamada de voz perdida",  # pt
    "Videochamada perdida",
    "Chamada de vídeo perdida",
    "Llamada perdida",  # es
    "Llamada de voz perdida",
    "Videollamada perdida",
    "Αναπάντητη φωνητική κλήση",  # el
    "Αναπάντητη βιντεοκλήση",
    "Пропущений аудіодзвінок",  # uk
    "Пропущений відеодзвінок",
    "Verpasster Sprachanruf",  # de
    "Verpasster Videoanruf",
    "مكالمة صوتية فائتة",  # ar
    "مكالمة فيديو فائتة",
    "ভয়েস কল মিস করেছেন",  # bn
    "ভিডিও কল মিস করেছেন",
    "未接語音通話",  # zh-HK, zh-TW
    "未接視像通話",
    "未接语音通话",  # zh-CN
    "未接视频通话",
    "Cuộc gọi nhỡ",  # vi
    "Cuộc gọi nhỡ video",
    "مسڈ وائس کال",  # ur
    "مسڈ ویڈیو کال",
    "Cevapsız sesli arama",  # tr
    "Cevapsız görüntülü arama",
    "สายที่ไม่ได้รับ",  # th
    "วิดีโอคอลที่ไม่ได้รับ",
    "Missat röstsamtal",  # sv
    "Missat videosamtal",
    "Zmeškaný hovor",  # sk
    "Zmeškaný videohovor",
    "Nieodebrane poł. głosowe",  # pl
    "Nieodebrane poł. wideo",
    "Apel vocal ratat",  # ro
    "Apel video ratat",
    "Gemist spraakgesprek",  # nl
    "Gemist videogesprek",
    "Tapt taleanrop",  # nb
    "Tapt videoanrop",
    "Panggilan suara terlepas",  # ms
    "Panggilan video terlepas",
    "मिस्ड व्हॉइस कॉल",  # mr
    "मिस्ड व्हिडिओ कॉल",
    "부재중 전화",  # ko
    "부재중 영상통화",
    "音声通話不在着信",  # ja
    "ビデオ通話不在着信",
    "Nem fogadott hanghívás",  # hu
    "Nem fogadott videohívás",
    "Panggilan suara tak terjawab",  # id
    "Panggilan video tak terjawab",
    "Propušteni glasovni poziv",  # hr
    "Propušteni videopoziv",
    "वॉइस कॉल मिस हुई",  # hi
    "मिस्ड वॉइस कॉल",
    "मिस्ड वीडियो कॉल",
    "છૂટી ગયેલો વોઇસ કૉલ",  # gu
    "છૂટી ગયેલ વિડિયો કૉલ",
    "Glao Gutha Caillte",  # ga
    "Físghlao caillte",
    "Vastaamaton äänipuhelu",  # fi
    "Vastaamaton videopuhelu",
    "تماس صوتی پاسخ داده نشده",  # fa
    "تماس تصویری بی\u200cپاسخ",
    "تماس تصویری بیپاسخ",
    "تماس تصویری پاسخ داده نشده",
    "Ubesvaret taleopkald",  # da
    "Ubesvaret videoopkald",
    "Zmeškaný hlasový hovor",  # cs
    "Trucada de veu perduda",  # ca
    "Videotrucada perduda",
)
NULL_BODY: Final = "null"
"""What Android writes for a view-once photo or video it cannot export (seen in whats_json's
real Android exports, where the next message says so): media, not a message reading "null"."""
LIVE_LOCATION_BODY: Final = "live location shared"
"""What English Android writes for a live location (wa-stats' list of Android's bodies): media,
as a shared location is. Its other languages' wordings are not known here."""
EXACT_KINDS: Final = {
    **dict.fromkeys(DELETED_BODIES, "deleted"),
    **dict.fromkeys(CALL_BODIES, "call"),
    NULL_BODY: "media",
    LIVE_LOCATION_BODY: "media",
}
"""The kind of each body looked up as it is (``_whatsapp_kinds.hints`` and ``_exact``)."""

IOS_MARK: Final = "\u200e"
"""The mark (LEFT-TO-RIGHT MARK) iOS writes before every placeholder and notice it puts in a
chat's text, in any language; people's own messages do not start with it."""
COMMON_BODIES: Final = {
    **EXACT_KINDS,
    # Android, English, Spanish, Portuguese, German, French, Italian, Dutch
    "<Media omitted>": "media",
    "<Multimedia omitido>": "media",
    "Se eliminó este mensaje.": "deleted",
    "Eliminaste este mensaje.": "deleted",
    "<Mídia omitida>": "media",
    "<Medien ausgeschlossen>": "media",
    "<Medien weggelassen>": "media",
    "Diese Nachricht wurde gelöscht.": "deleted",
    "Du hast diese Nachricht gelöscht.": "deleted",
    "<Médias omis>": "media",
    "<Media omessi>": "media",
    "<Media weggelaten>": "media",
    # iPhone, behind its mark
    f"{IOS_MARK}image omitted": "media",
    f"{IOS_MARK}video omitted": "media",
    f"{IOS_MARK}GIF omitted": "media",
    f"{IOS_MARK}audio omitted": "voice",
    f"{IOS_MARK}sticker omitted": "sticker",
    f"{IOS_MARK}This message was deleted.": "deleted",
    f"{IOS_MARK}You deleted this message.": "deleted",
    f"{IOS_MARK}Missed voice call": "call",
    f"{IOS_MARK}Missed video call": "call",
    f"{IOS_MARK}Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them.": "system",
    f"{IOS_MARK}imagen omitida": "media",
    f"{IOS_MARK}audio omitido": "voice",
    f"{IOS_MARK}sticker omitido": "sticker",
    f"{IOS_MARK}imagem ocultada": "media",
    f"{IOS_MARK}áudio ocultado": "voice",
    f"{IOS_MARK}Esta mensagem foi apagada": "deleted",
    f"{IOS_MARK}Bild weggelassen": "media",
    f"{IOS_MARK}Audio weggelassen": "voice",
    f"{IOS_MARK}Sticker weggelassen": "sticker",
    f"{IOS_MARK}Diese Nachricht wurde gelöscht.": "deleted",
}
"""The kinds of the placeholders, tombstones and notices most chats hold, exactly as written,
and of every body in ``EXACT_KINDS``, as the patterns give them (a test checks each):
``_whatsapp_kinds.classify`` looks these up, and compiles the patterns (about 20 ms of a
parse) only for a body not among them."""


# The notice every chat starts with, in each supported language (anchored: it opens the body).
_ENCRYPTION: Final = _alternatives(
    "messages and calls are end-to-end encrypted",
    "messages to this (?:chat|group) and calls are now secured with end-to-end encryption",
    "messages (?:to this|you send to this) (?:chat|group) are now secured with end-to-end "
    "encryption",
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
_OTHER_ENCRYPTION: Final = _alternatives(
    # Hebrew: "מקצה-לקצה" in the app's strings, "מקצה לקצה" in a real Android export.
    "ההודעות והשיחות מוצפנות מקצה[- ]לקצה",
    # Persian, with or without the zero-width non-joiners of پیام‌ها (rwhatsapp#28 has none).
    "پیام\u200c?ها و تماس\u200c?ها سرتاسر رمزگذاری شده\u200c?اند",
    # Its first sentence in WhatsApp's other languages, as whats_json (starkdmi/whats_json,
    # lib/src/patterns.dart) lists them from the apps' own strings (iOS key _i3PG, Android
    # settings_security_info), then the older notice ("Your messages and calls are secured ...").
    _literals(
        "الرسائل والمكالمات مشفرة تمامًا بين الطرفين",  # ar
        "মেসেজ এবং কল এন্ড-টু-এন্ড এনক্রিপ্টেড থাকে",  # bn
        "els missatges i les trucades estan xifrats d'extrem a extrem",  # ca
        "zprávy a hovory jsou opatřeny koncovým šifrováním",  # cs
        "beskeder og opkald er end-to-end-krypterede",  # da
        "τα μηνύματα και οι κλήσεις κρυπτογραφούνται πλήρως",  # el
        "viestit ja puhelut salataan täysin",  # fi
        "déantar criptiúchán ó cheann go ceann ar theachtaireachtaí agus ar ghlaonna",  # ga
        "મેસેજ અને કૉલ શરૂથી અંત સુધી સુરક્ષિત છે",  # gu
        "मैसेजेस और कॉल्स एंड-टू-एंड एन्क्रिप्टेड हैं",  # hi
        "poruke i pozivi zaštićeni su potpunom enkripcijom",  # hr
        "az üzenetek és hívások végpontok közötti titkosítással vannak védve",  # hu
        "pesan dan panggilan terenkripsi secara end-to-end",  # id
        "メッセージと通話はエンドツーエンド暗号化されています",  # ja
        "메시지 및 전화는 종단간 암호화되어 안전합니다",  # ko
        "मेसेजेस आणि कॉल्स एन्ड-टू-एन्ड एन्क्रिप्शनने सुरक्षित केलेले असतात",  # mr
        "mesej dan panggilan disulitkan hujung ke hujung",  # ms
        "meldinger og samtaler er ende-til-ende-krypterte",  # nb
        "berichten en gesprekken worden end-to-end versleuteld",  # nl
        "wiadomości i połączenia są w pełni zaszyfrowane",  # pl
        "mesajele și apelurile sunt criptate integral",  # ro
        "správy a hovory sú zabezpečené šifrovaním počas celého spojenia",  # sk
        "meddelanden och samtal är komplett krypterade",  # sv
        "ข้อความและการโทรได้รับการเข้ารหัสจากต้นทางถึงปลายทาง",  # th
        "повідомлення й дзвінки захищено наскрізним шифруванням",  # uk
        "میسجز اور کالز اینڈ ٹو اینڈ اینکرپشن کے ذریعے محفوظ ہیں",  # ur
        "tin nhắn và cuộc gọi được mã hóa đầu cuối",  # vi
        "訊息和通話經端對端加密",  # zh-HK
        "訊息已受端對端加密保護",  # zh-TW
        "消息和通话都进行端到端加密",  # zh-CN
        # The older notice.
        "your messages and calls are secured with end-to-end encryption",
        "إن الرسائل التي ترسلها والمكالمات التي تجريها ضمن واتساب محمية",  # ar
        "deine nachrichten und anrufe werden automatisch mit ende-zu-ende-verschlüsselung",  # de
        "tus mensajes y llamadas ahora están protegidos con cifrado de extremo a extremo",  # es
        "vos messages et vos appels sont protégés avec le chiffrement de bout en bout",  # fr
        "ההודעות שהנך שולח/ת והשיחות הקוליות שהנך מבצע/ת מאובטחות",  # he
        "आपके द्वारा भेजे हुए सन्देश और कॉल्स शुरू से अंत तक एन्क्रिप्शन से सुरक्षित",  # hi
        "pesan-pesan dan panggilan anda diamankan dengan enkripsi end-to-end",  # id
        "i tuoi messaggi e le tue chiamate sono protetti con la crittografia end-to-end",  # it
        "メッセージと通話は、エンドツーエンドの暗号化によって保護されています",  # ja
        "uw oproepen en berichten zijn beveiligd met end-to-end encryptie",  # nl
        "twoje wiadomości oraz połączenia są zabezpieczone przez pełne szyfrowanie",  # pl
        "suas chamadas e mensagens estão seguras com criptografia de ponta-a-ponta",  # pt-BR
        "quando é possível, as mensagens que enviar e as chamadas que efetuar são completamente "
        "encriptadas",  # pt-PT
        "ваши сообщения и звонки защищены сквозным шифрованием",  # ru
        "mesajlarınız artık uçtan uca şifreleme ile korunmaktadır",  # tr
        "ваші повідомлення та дзвінки захищено наскрізним шифруванням",  # uk
        "những tin nhắn và những cuộc gọi đã được bảo mật với mã hoá đầu-cuối",  # vi
        "您发送的信息和通话都会进行端对端的加密",  # zh-CN
        "您傳送的訊息和通話都會進行端對端的加密",  # zh-TW
    ),
)
ENCRYPTION_NOTICE: Final = f"{_OPEN}(?:{_ENCRYPTION})"
OTHER_ENCRYPTION_NOTICE: Final = f"{_OPEN}(?:{_OTHER_ENCRYPTION})"

# "Your security code with Leo changed.", as whats_json lists it from the iOS app's strings
# (keys G)W)p and 7<vSf): the words before and after the contact's name, per language. A
# notice WhatsApp writes after the partner's name on iOS and without an author on Android.
# The languages of the other notices first; the rest, as the other placeholders, apart.
_SECURITY_CODE_WORDS: Final = (
    ("your security code with ", " changed"),
    ("deine sicherheitsnummer für ", " hat sich geändert"),  # de
    ("cambió tu código de seguridad con ", ""),  # es
    ("votre code de sécurité avec ", " a changé"),  # fr
    ("il tuo codice di sicurezza con ", " è cambiato"),  # it
    ("seu código de segurança com ", " mudou"),  # pt-BR
    ("o seu código de segurança partilhado com ", " mudou"),  # pt-PT
)
_OTHER_SECURITY_CODE_WORDS: Final = (
    ("تغيّر رمز أمانك المُستخدَم مع ", ""),  # ar
    ("", "-এর সাথে আপনার নিরাপত্তা কোড পরিবর্তিত হয়েছে"),  # bn
    ("el teu codi de seguretat amb ", " ha canviat"),  # ca
    ("bezpečnostní kód mezi vámi a uživatelem ", " byl změněn"),  # cs
    ("din sikkerhedskode for ", " har ændret sig"),  # da
    ("ο κωδικός ασφαλείας σας με ", " άλλαξε"),  # el
    ("کد امنیتی شما با ", " تغییر کرد"),  # fa
    ("turvanumerosi muuttui henkilön ", " kanssa"),  # fi
    ("athraíodh an cód slándála atá agat le ", ""),  # ga
    ("", " સાથેનો તમારો સુરક્ષા કોડ બદલાઈ ગયો"),  # gu
    ("קוד האבטחה עם ", " שונה"),  # he
    ("", " के लिए आपका सुरक्षा कोड बदल गया है"),  # hi
    ("vaš sigurnosni kôd za kontakt ", " promijenio se"),  # hr
    ("", " biztonsági kódja megváltozott"),  # hu
    ("kode keamanan anda dengan ", " telah berubah"),  # id
    ("", "とのセキュリティコードが変更されました"),  # ja
    ("", "님과의 보안 코드가 변경되었습니다"),  # ko
    ("तुमचा ", " संबंधित सुरक्षा कोड बदलला आहे"),  # mr
    ("kod keselamatan anda dengan ", " telah berubah"),  # ms
    ("sikkerhetskoden med ", " ble endret"),  # nb
    ("uw beveiligingscode voor ", " is gewijzigd"),  # nl
    ("twój kod zabezpieczeń z użytkownikiem ", " zmienił się"),  # pl
    ("codul dvs. de securitate cu ", " s-a schimbat"),  # ro
    ("ваш код безопасности с контактом ", " изменился"),  # ru
    ("bezpečnostný kód, ktorý zdieľate s používateľom ", ", bol zmenený"),  # sk
    ("รหัสความปลอดภัยของคุณกับ ", " มีการเปลี่ยนแปลง"),  # th
    ("", " ile aranızdaki güvenlik kodu değişti"),  # tr
    ("код безпеки з контактом ", " змінився"),  # uk
    ("", " کے ساتھ آپ کا سیکیورٹی کوڈ تبدیل ہوگیا ہے"),  # ur
    ("mã bảo mật của bạn với ", " đã thay đổi"),  # vi
    ("您和 ", " 的安全代码已更改"),  # zh-CN
    ("您與", "之間的安全代碼已變更"),  # zh-HK
    ("您與 ", " 的安全碼已變更"),  # zh-TW
)


def _around_a_name(words: tuple[tuple[str, str], ...]) -> str:
    return _alternatives(*(f"{re.escape(before)}.+{re.escape(after)}" for before, after in words))


_SECURITY_CODE: Final = _around_a_name(_SECURITY_CODE_WORDS)
_OTHER_SECURITY_CODE: Final = _around_a_name(_OTHER_SECURITY_CODE_WORDS)
SECURITY_CODE_NOTICE: Final = f"{_OPEN}(?:{_SECURITY_CODE})"
"""The whole notice at the start of a body: a message no person types, so it is a notice
with or without the bidi mark iOS writes before notices."""
OTHER_SECURITY_CODE_NOTICE: Final = f"{_OPEN}(?:{_OTHER_SECURITY_CODE})"

# Group and chat events, written without an author (Android) or after the chat's name with a
# leading U+200E (iOS). Keywords rather than whole sentences: names sit in the middle.
SYSTEM_NOTICE: Final = (
    "(?i)(?:"
    + _alternatives(
        _ENCRYPTION,
        _SECURITY_CODE,
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
        "updated the message timer",
        "uses? a default (?:message )?timer",
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
OTHER_NOTICE: Final = f"(?i)(?:{_OTHER_ENCRYPTION}|{_OTHER_SECURITY_CODE})"
"""The notices of ``SYSTEM_NOTICE`` in WhatsApp's other languages (the encryption and security
code ones): tried only on what ``SYSTEM_NOTICE`` does not find, so most files never compile it."""

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
