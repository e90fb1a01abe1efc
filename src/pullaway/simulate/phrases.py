"""Phrase banks for simulated chats, one per supported language.

Each bank maps a message category to everyday phrases a couple might send. The cue
categories (missing, apology, busy, space, check, plead, ending) use the wording of the
science notes' starter cue lists, so a detector reading the lexicons can find them; the
everyday categories give the background those cues stand out from.
"""

from __future__ import annotations

from typing import Final, Literal

Language = Literal["en", "es", "pt", "de", "fr"]
LANGUAGES: Final[tuple[Language, ...]] = ("en", "es", "pt", "de", "fr")

TEXT_CATEGORIES: Final = (
    "morning",
    "night",
    "chat",
    "question",
    "logistics",
    "short",
    "laugh",
    "affection",
    "plans",
    "missing",
    "share",
    "terse",
    "busy",
    "space",
    "check",
    "plead",
    "self",
    "return_open",
    "apology",
    "appreciation",
    "ending",
    "ending_more",
    "ending_reply",
)
MEDIA_CATEGORIES: Final = ("media", "sticker", "voice")
CATEGORIES: Final = TEXT_CATEGORIES + MEDIA_CATEGORIES

_EN = """
[morning]
good morning ☀️
morning!
good morning babe
morning, did you sleep well?
good morning 😊
hey, good morning
morning sleepyhead
gm ☕
good morning, have a great day
[night]
good night
night night 😴
good night babe, sleep well
going to sleep, good night ❤️
sweet dreams
night! talk tomorrow
off to bed, good night
sleep well 🌙
[chat]
just got home
work was so long today
I'm making pasta tonight
the train was late again
finally finished that report
it's raining so hard here
I'm watching the new episode
my mum called, she says hi
I just went for a walk
the coffee place was closed today
my boss was in a good mood for once
I need to do laundry
I'm so tired today
the meeting went fine
I found a new podcast, it's really good
I'm at the supermarket
[question]
how was your day?
what are you doing?
did you eat?
how did the meeting go?
are you home yet?
what do you want for dinner?
how's your mum?
did you see the match?
what time do you finish today?
how are you feeling?
[logistics]
I'll be there at 7
can you pick up milk on the way?
running 10 min late
the keys are under the mat
I booked the table for 8
don't forget your umbrella
I left the charger at yours
on my way
the package arrived
can you send me the address?
[short]
ok
yes
sure
okay 👍
cool
sounds good
yeah
nice
perfect
alright
[laugh]
haha
hahaha
😂😂
lol
that's so funny
hahah stop
[affection]
love you ❤️
I love you
you're the best
miss your face 😘
thinking of you babe
you're so sweet 🥰
love you too
can't wait to see you ❤️
[plans]
let's have dinner on Friday
we should go to the beach this weekend
want to watch a movie tomorrow?
let's try that new place this weekend
dinner at mine on Saturday?
let's go for a walk tomorrow
we should plan the trip
when can I see you?
[missing]
I missed you
miss you so much
I really missed you
I missed talking to you
wish you were here
[share]
look at this 😂 https://www.youtube.com/watch?v=dQw4w9WgXcQ
this made me think of you https://www.instagram.com/p/C3xample/
have you seen this? https://www.bbc.co.uk/news
look at this
[terse]
ok
k
maybe
idk
fine
later
yeah
sure
[busy]
busy today
I'm busy, talk later
swamped at work
sorry, busy
not now
I'm tired
can't talk now
[space]
I need some space
I need some time to think
I just need some space right now
I need some time
[check]
are you ok??
hello??
??
why aren't you answering
did you get my message?
are you there?
are you ignoring me?
you left me on read
[plead]
did I do something?
are we ok?
please talk to me
I don't understand what's happening
do you still love me?
I need you
[self]
went to yoga today
had dinner with Sofia
I'm reading a really good book
went for a long run this morning
spent the day with my sister
hope your week is going ok
[return_open]
hey
hey you
hi, how are you?
hey, how have you been?
hi 🙂
[apology]
sorry I've been distant
I'm sorry, I've been in my head a lot
sorry for being so quiet lately
I'm sorry, my bad
I know I've been distant, I'm sorry
[appreciation]
thank you for being so patient with me
you mean a lot to me
I'm lucky to have you
thanks for understanding
[ending]
I think we should break up
I don't want this anymore
I'm sorry, I think it's over
[ending_more]
I'm sorry
I've been thinking about it for a while
it's not you
I hope you understand
[ending_reply]
ok
I don't know what to say
take care of yourself
I wish you had told me earlier
"""

_ES = """
[morning]
buenos días ☀️
buen día!
buenos días mi amor
hola, ¿dormiste bien?
buenos días 😊
¡buenos días! que tengas un lindo día
[night]
buenas noches
buenas noches, descansa ❤️
me voy a dormir, buenas noches
dulces sueños
hasta mañana 🌙
[chat]
acabo de llegar a casa
el trabajo fue larguísimo hoy
voy a hacer pasta esta noche
el tren llegó tarde otra vez
por fin terminé el informe
está lloviendo muchísimo aquí
estoy viendo la serie nueva
me llamó mi madre, te manda saludos
estoy en el súper
qué día tan largo
[question]
¿qué tal tu día?
¿qué haces?
¿ya comiste?
¿cómo te fue en la reunión?
¿ya estás en casa?
¿qué quieres cenar?
¿a qué hora sales hoy?
¿cómo te sientes?
[logistics]
llego a las 7
¿puedes comprar leche de camino?
llego 10 minutos tarde
las llaves están debajo del felpudo
reservé la mesa para las 8
voy en camino
llegó el paquete
¿me mandas la dirección?
[short]
vale
sí
claro
ok 👍
genial
perfecto
dale
bueno
[laugh]
jajaja
jaja
😂😂
jajajaja qué risa
[affection]
te quiero ❤️
te amo
eres lo mejor
pienso en ti, mi amor
besos 😘
te quiero mucho, cariño
mi vida 🥰
[plans]
vamos a cenar el viernes
¿vamos a la playa este finde?
¿vemos una peli mañana?
vamos a probar ese sitio nuevo este finde
¿cuándo nos vemos?
mañana damos un paseo
[missing]
te extrañé
te extraño mucho
te eché de menos
te echo de menos
[share]
mira esto 😂 https://www.youtube.com/watch?v=dQw4w9WgXcQ
me acordé de ti https://www.instagram.com/p/C3xample/
mira esto
[terse]
ok
vale
no sé
quizás
bien
luego
[busy]
estoy ocupado
estoy ocupado, hablamos luego
ahora no
mucho trabajo hoy
estoy cansado
[space]
necesito espacio
necesito tiempo para pensar
necesito un poco de espacio
necesito tiempo
[check]
¿estás bien??
hola??
??
¿por qué no contestas?
¿me estás ignorando?
contesta por favor
¿recibiste mi mensaje?
[plead]
¿hice algo mal?
¿estamos bien?
por favor háblame
no me dejes
¿todavía me quieres?
[self]
hoy fui a yoga
cené con Lucía
estoy leyendo un libro muy bueno
salí a correr esta mañana
pasé el día con mi hermana
espero que tu semana vaya bien
[return_open]
hola
hola tú
hola, ¿cómo estás?
hola, ¿qué tal todo?
[apology]
perdón por estar tan distante
lo siento, he estado muy metido en mis cosas
perdón, fue mi culpa
lo siento, no debí desaparecer así
[appreciation]
gracias por tu paciencia
significas mucho para mí
tengo suerte de tenerte
gracias por entenderme
[ending]
creo que deberíamos terminar
ya no quiero esto
lo siento, se acabó
[ending_more]
lo siento
lo he pensado mucho
no es culpa tuya
espero que lo entiendas
[ending_reply]
vale
no sé qué decir
cuídate
ojalá me lo hubieras dicho antes
"""

_PT = """
[morning]
bom dia ☀️
bom dia!
bom dia meu amor
oi, dormiu bem?
bom dia 😊
bom dia, tenha um ótimo dia
[night]
boa noite
boa noite, dorme bem ❤️
vou dormir, boa noite
bons sonhos
até amanhã 🌙
[chat]
acabei de chegar em casa
o trabalho foi muito longo hoje
vou fazer macarrão hoje
o trem atrasou de novo
finalmente terminei o relatório
tá chovendo muito aqui
tô vendo a série nova
minha mãe ligou, mandou um beijo
tô no mercado
que dia cansativo
[question]
como foi seu dia?
o que você tá fazendo?
já comeu?
como foi a reunião?
já chegou em casa?
o que você quer jantar?
que horas você sai hoje?
como você tá?
[logistics]
chego às 7
pode comprar leite no caminho?
vou atrasar 10 minutos
a chave tá embaixo do tapete
reservei a mesa para as 8
tô a caminho
o pacote chegou
me manda o endereço?
[short]
ok
sim
claro
beleza 👍
legal
perfeito
tá bom
show
[laugh]
kkkkk
hahaha
😂😂
kkkk que engraçado
[affection]
te amo ❤️
amo você
você é incrível
penso em você, meu amor
beijos 😘
amor 🥰
[plans]
vamos jantar na sexta
vamos à praia no fim de semana?
vamos ver um filme amanhã?
quando a gente se vê?
vamos experimentar aquele lugar novo no fim de semana
amanhã a gente passeia
[missing]
senti sua falta
tô com saudade
sinto sua falta
que saudade de você
[share]
olha isso 😂 https://www.youtube.com/watch?v=dQw4w9WgXcQ
lembrei de você https://www.instagram.com/p/C3xample/
olha isso
[terse]
ok
tá
sei lá
talvez
beleza
depois
[busy]
tô ocupado
tô ocupado, falamos depois
agora não
muito trabalho hoje
tô cansado
[space]
preciso de espaço
preciso de um tempo para pensar
preciso de um tempo
preciso de um pouco de espaço
[check]
você tá bem??
oi??
??
por que você não responde?
tá me ignorando?
responde por favor
recebeu minha mensagem?
[plead]
eu fiz alguma coisa?
a gente tá bem?
por favor fala comigo
não me deixa
você ainda me ama?
[self]
fui na yoga hoje
jantei com a Ana
tô lendo um livro muito bom
fui correr hoje de manhã
passei o dia com minha irmã
espero que sua semana esteja boa
[return_open]
oi
oi você
oi, tudo bem?
oi, como você tá?
[apology]
desculpa por estar tão distante
me desculpe, andei muito fechado
foi culpa minha, desculpa
desculpa, não devia ter sumido
[appreciation]
obrigado pela paciência
você é muito importante pra mim
tenho sorte de ter você
obrigado por entender
[ending]
acho que a gente devia terminar
não quero mais isso
desculpa, acabou
[ending_more]
desculpa
pensei muito nisso
não é culpa sua
espero que você entenda
[ending_reply]
tá
não sei o que dizer
se cuida
queria que você tivesse me dito antes
"""

_DE = """
[morning]
guten Morgen ☀️
Morgen!
guten Morgen Schatz
hey, gut geschlafen?
guten Morgen 😊
guten Morgen, hab einen schönen Tag
[night]
gute Nacht
gute Nacht, schlaf gut ❤️
ich geh schlafen, gute Nacht
süße Träume
bis morgen 🌙
[chat]
bin gerade heimgekommen
die Arbeit war heute so lang
ich mach heute Abend Nudeln
der Zug war schon wieder zu spät
endlich den Bericht fertig
hier regnet es so stark
ich schau die neue Folge
meine Mama hat angerufen, sie lässt grüßen
bin im Supermarkt
was für ein langer Tag
[question]
wie war dein Tag?
was machst du?
hast du gegessen?
wie lief das Meeting?
bist du schon zuhause?
was willst du zum Abendessen?
wann hast du heute Feierabend?
wie geht es dir?
[logistics]
bin um 7 da
kannst du auf dem Weg Milch holen?
komme 10 Minuten später
der Schlüssel liegt unter der Matte
hab den Tisch für 8 reserviert
bin unterwegs
das Paket ist angekommen
schickst du mir die Adresse?
[short]
ok
ja
klar
okay 👍
cool
passt
super
gut
[laugh]
haha
hahaha
😂😂
so lustig haha
[affection]
ich liebe dich ❤️
hab dich lieb
du bist toll
denk an dich, Schatz
Bussi 😘
hdl 🥰
[plans]
lass uns am Freitag essen gehen
wollen wir am Wochenende an den See?
Film morgen?
lass uns am Wochenende das neue Restaurant testen
wann sehen wir uns?
morgen gehen wir spazieren
[missing]
ich hab dich vermisst
ich vermisse dich
du fehlst mir
vermisse dich so sehr
[share]
schau mal 😂 https://www.youtube.com/watch?v=dQw4w9WgXcQ
musste an dich denken https://www.instagram.com/p/C3xample/
schau mal
[terse]
ok
jo
weiß nicht
vielleicht
passt
später
[busy]
bin beschäftigt
bin beschäftigt, reden später
nicht jetzt
viel Arbeit heute
bin müde
[space]
ich brauche Abstand
ich brauche Zeit zum Nachdenken
ich brauche etwas Zeit
ich brauche gerade Abstand
[check]
alles ok??
hallo??
??
warum antwortest du nicht?
ignorierst du mich?
melde dich bitte
hast du meine Nachricht bekommen?
[plead]
hab ich was falsch gemacht?
ist alles ok zwischen uns?
bitte rede mit mir
verlass mich nicht
liebst du mich noch?
[self]
war heute beim Yoga
war mit Lena essen
ich lese gerade ein richtig gutes Buch
war heute morgen laufen
hab den Tag mit meiner Schwester verbracht
hoffe deine Woche läuft gut
[return_open]
hey
hey du
hi, wie geht's dir?
hey, wie geht es dir?
[apology]
tut mir leid, dass ich so distanziert war
entschuldige, ich war so in meinem Kopf
meine Schuld, tut mir leid
ich hätte nicht einfach abtauchen sollen
[appreciation]
danke für deine Geduld
du bedeutest mir viel
ich bin froh, dass ich dich habe
danke fürs Verständnis
[ending]
ich glaube, wir sollten Schluss machen
ich will das nicht mehr
es tut mir leid, es ist vorbei
[ending_more]
es tut mir leid
ich hab lange darüber nachgedacht
es liegt nicht an dir
ich hoffe, du verstehst das
[ending_reply]
ok
ich weiß nicht, was ich sagen soll
pass auf dich auf
ich wünschte, du hättest es früher gesagt
"""

_FR = """
[morning]
bonjour ☀️
coucou, bien dormi ?
bonjour mon cœur
bonjour 😊
bonne journée !
salut, bien réveillé ?
[night]
bonne nuit
bonne nuit, dors bien ❤️
je vais me coucher, bonne nuit
fais de beaux rêves
à demain 🌙
[chat]
je viens de rentrer
le boulot était super long aujourd'hui
je fais des pâtes ce soir
le train était encore en retard
j'ai enfin fini le rapport
il pleut trop ici
je regarde le nouvel épisode
ma mère a appelé, elle te fait des bisous
je suis au supermarché
quelle journée fatigante
[question]
ta journée s'est bien passée ?
tu fais quoi ?
t'as mangé ?
la réunion s'est bien passée ?
t'es rentré ?
tu veux manger quoi ce soir ?
tu finis à quelle heure ?
comment tu te sens ?
[logistics]
j'arrive à 19h
tu peux prendre du lait en route ?
j'ai 10 minutes de retard
les clés sont sous le paillasson
j'ai réservé pour 20h
je suis en route
le colis est arrivé
tu m'envoies l'adresse ?
[short]
ok
oui
d'accord
ok 👍
cool
parfait
ça marche
top
[laugh]
mdr
haha
😂😂
ptdr trop drôle
[affection]
je t'aime ❤️
mon amour
je t'adore
je pense à toi, mon cœur
bisous 😘
chéri 🥰
[plans]
on dîne ensemble vendredi ?
on va à la plage ce week-end ?
film demain ?
on pourrait tester le nouveau resto ce week-end
on se voit quand ?
demain on va se promener
[missing]
tu m'as manqué
tu me manques
tu me manques trop
je pense à toi tout le temps
[share]
regarde ça 😂 https://www.youtube.com/watch?v=dQw4w9WgXcQ
ça m'a fait penser à toi https://www.instagram.com/p/C3xample/
regarde ça
[terse]
ok
ouais
je sais pas
peut-être
bof
plus tard
[busy]
je suis occupé
je suis occupé, on parle plus tard
pas maintenant
beaucoup de travail aujourd'hui
je suis fatigué
[space]
j'ai besoin d'espace
j'ai besoin de temps pour réfléchir
besoin de temps
j'ai besoin d'un peu d'espace
[check]
ça va ??
allô??
??
pourquoi tu réponds pas ?
tu m'ignores ?
réponds-moi stp
t'as reçu mon message ?
[plead]
j'ai fait quelque chose ?
est-ce qu'on va bien ?
s'il te plaît parle-moi
ne me quitte pas
tu m'aimes encore ?
[self]
je suis allée au yoga aujourd'hui
j'ai dîné avec Claire
je lis un super livre
je suis allée courir ce matin
j'ai passé la journée avec ma sœur
j'espère que ta semaine se passe bien
[return_open]
coucou
salut toi
salut, ça va ?
coucou, comment tu vas ?
[apology]
pardon d'avoir été si distant
désolé, j'étais dans ma tête
c'est ma faute, désolé
je n'aurais pas dû disparaître comme ça
[appreciation]
merci pour ta patience
tu comptes beaucoup pour moi
j'ai de la chance de t'avoir
merci de comprendre
[ending]
je crois qu'on devrait rompre
je ne veux plus de tout ça
désolé, c'est fini
[ending_more]
désolé
j'y ai beaucoup réfléchi
ce n'est pas toi
j'espère que tu comprends
[ending_reply]
ok
je sais pas quoi dire
prends soin de toi
j'aurais aimé que tu me le dises plus tôt
"""


def _parse(bank: str) -> dict[str, tuple[str, ...]]:
    parsed: dict[str, list[str]] = {}
    current = ""
    for raw in bank.strip().splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            parsed[current] = []
        elif line:
            parsed[current].append(line)
    missing = set(TEXT_CATEGORIES) - set(parsed)
    if missing:
        msg = f"phrase bank lacks categories {sorted(missing)}"
        raise ValueError(msg)
    return {name: tuple(parsed[name]) for name in TEXT_CATEGORIES}


PHRASES: Final[dict[Language, dict[str, tuple[str, ...]]]] = {
    "en": _parse(_EN),
    "es": _parse(_ES),
    "pt": _parse(_PT),
    "de": _parse(_DE),
    "fr": _parse(_FR),
}

# What each export writes in place of media, per phone language (see formats notes §3.9).
ANDROID_MEDIA: Final[dict[Language, str]] = {
    "en": "<Media omitted>",
    "es": "<Multimedia omitido>",
    "pt": "<Mídia omitida>",
    "de": "<Medien ausgeschlossen>",
    "fr": "<Médias omis>",
}
