// The demo library: a handful of articles of every kind, in English and Dutch, written fresh for Kring.
// src/demo/seed.ts (seedLibrary) writes them through the library's commands, in the order they happened:
// an article is written `daysAgo` days ago and published a day later; edits, translations and comments
// follow in time. All people, organisations and contact addresses are fictional (see ./content.ts).

export type DemoArticleKind = 'practice' | 'theme' | 'session_summary' | 'guide'
export type DemoArticleStatus = 'draft' | 'in_review' | 'published' | 'archived'

/** The structured fields of a practice. */
export interface DemoPractice {
  context: string
  targetGroup: string
  country: string // ISO 3166-1 alpha-2
  whatWorked: string
  whatDidNot: string
  contact: string // fictional
}

/** An edit after the article was written: each change replaces text that must be in the body at that moment. */
export interface DemoArticleEdit {
  daysAgo: number
  editor?: string // DemoPerson.key; the author when absent
  summary?: string
  changes: { find: string; replace: string }[]
}

export interface DemoCommentReply {
  author: string // DemoPerson.key
  body: string // Markdown
  hoursAfterPublished: number
}

/** Comments have one level of replies, as on the site. */
export interface DemoComment extends DemoCommentReply {
  replies?: DemoCommentReply[]
}

export interface DemoArticle {
  author: string // DemoPerson.key
  community?: string // DemoCommunity.slug; the author is a member of it
  themes: string[] // DemoTheme.slug
  kind: DemoArticleKind
  language: 'en' | 'nl'
  title: string
  slug: string // lowercase-kebab ASCII
  summary: string
  body: string // Markdown
  status: DemoArticleStatus
  daysAgo: number // written then; published (when it is) a day later
  archivedDaysAgo?: number // status 'archived' only
  practice?: DemoPractice // kind 'practice' only
  /** The slug of the published article this one translates, as it read on the day this one was written. */
  translationOf?: string
  edits?: DemoArticleEdit[]
  comments?: DemoComment[]
}

const intakeInPairs: DemoArticle = {
  author: 'sofia',
  community: 'homeshare-network',
  themes: ['matching', 'safeguarding'],
  kind: 'practice',
  language: 'en',
  title: 'Intake in pairs for homeshare matches',
  slug: 'intake-in-pairs-for-homeshare-matches',
  summary:
    'Two coordinators visit every new householder together: one leads the conversation, the other watches the home and the small signals. Fewer surprises in the first weeks, at the cost of more hours per intake.',
  status: 'published',
  daysAgo: 42,
  practice: {
    context:
      'Casa Partilhada, a homeshare programme in Lisbon with about 45 active pairs and three part-time coordinators. Householders are mostly older people living alone; homesharers are mostly students from outside the city.',
    targetGroup: 'Older householders who offer a room, and the coordinators who make and follow the match.',
    country: 'PT',
    whatWorked:
      'A second pair of eyes catches what one person misses: practical details of the house, and expectations about help that are mentioned in passing. Writing down first impressions before discussing them keeps each coordinator honest. Shadowing intakes turned out to be the best training for new colleagues.',
    whatDidNot:
      'Two people with notebooks made some householders feel inspected; now only one writes, and we explain at the door why we come with two. Finding a moment that suits two coordinators delayed some intakes by a week or more.',
    contact: 'Sofia Almeida, Casa Partilhada (Lisbon) — sofia@kring.example',
  },
  body: `## Why we started

For years one coordinator did each intake visit alone. Most matches went well, but the ones that went wrong had something in common: a detail the householder mentioned in passing, or that was plain to see in the house, and that nobody wrote down. Stairs to the only free room. A dog that does not like strangers. A son who "will of course drop by every evening".

Now every first visit to a householder is done in pairs.

## How it works

- **Two roles.** One coordinator leads the conversation and keeps it warm. The other listens, looks around when invited, and takes notes.
- **The same questions every time.** We use a short guide of twelve questions, from "What does a good evening look like for you?" to "Who else has a key?". A version is on [our materials page](https://example.org/homeshare/intake-guide).
- **Compare before you discuss.** Back in the car or the office, each coordinator writes down three things that stood out, *before* talking about them. Then we compare.
- **One follow-up question.** When our notes disagree, we call the householder with one question rather than guessing.

### Who takes the second chair

The second chair is often a new colleague: shadowing intakes is the best training we have found. Volunteers who have had a safeguarding check can take it too.

## What to watch out for

- It costs us about 1.5 extra hours per intake, travel included.
- Householders can feel inspected. Say at the start why two people come, and do not both sit there with a notebook.
- Plan the visit at a time that suits the householder, not the two diaries.
`,
  edits: [
    {
      // Before the Dutch translation: a clarification and a sentence on cost.
      daysAgo: 36,
      changes: [
        {
          find: 'looks around when invited, and takes notes.',
          replace: 'looks around when invited, and takes notes, as briefly as possible.',
        },
        {
          find: '- It costs us about 1.5 extra hours per intake, travel included.',
          replace:
            '- It costs us about 1.5 extra hours per intake, travel included. We think it pays for itself in matches that do not break in the first month.',
        },
      ],
    },
    {
      // After the Dutch translation: that one may now be out of date.
      daysAgo: 10,
      summary:
        'Two coordinators visit every new householder together: one leads the conversation, the other watches the home and the small signals. Early endings halved, at the cost of more hours per intake.',
      changes: [
        {
          find: '## What to watch out for',
          replace: `## After two years

We compared the matches that followed single and paired intakes. It is a small sample, so read it with care:

- matches that ended within three months went from about 1 in 6 to about 1 in 12;
- the most common reason for an early ending is still "expectations about help", but it now shows up in the intake notes far more often;
- new coordinators say that shadowing five intakes taught them more than the training day did.

## What to watch out for`,
        },
      ],
    },
  ],
}

const intakeMetTwee: DemoArticle = {
  author: 'anouk',
  community: 'homeshare-network',
  themes: ['matching', 'safeguarding'],
  kind: 'practice',
  language: 'nl',
  title: 'Intake met twee voor homeshare-matches',
  slug: 'intake-met-twee-voor-homeshare-matches',
  summary:
    'Twee coördinatoren gaan samen op intakebezoek bij elke nieuwe gastgever: de ene voert het gesprek, de andere let op de woning en de kleine signalen. Minder verrassingen in de eerste weken, ten koste van meer uren per intake.',
  status: 'published',
  daysAgo: 28,
  translationOf: 'intake-in-pairs-for-homeshare-matches',
  practice: {
    context:
      'Casa Partilhada, een homeshareprogramma in Lissabon met ongeveer 45 lopende matches en drie deeltijdse coördinatoren. Gastgevers zijn vooral ouderen die alleen wonen; homesharers zijn vooral studenten van buiten de stad.',
    targetGroup: 'Oudere gastgevers die een kamer aanbieden, en de coördinatoren die de match maken en opvolgen.',
    country: 'PT',
    whatWorked:
      "Een tweede paar ogen ziet wat één persoon mist: praktische details van de woning, en verwachtingen over hulp die terloops vermeld worden. Eerste indrukken opschrijven voor je ze bespreekt, houdt elke coördinator eerlijk. Meelopen met intakes bleek de beste opleiding voor nieuwe collega's.",
    whatDidNot:
      'Twee mensen met een notitieboekje gaven sommige gastgevers het gevoel dat ze gecontroleerd werden; nu schrijft er maar één, en we leggen aan de deur uit waarom we met twee komen. Een moment vinden dat twee coördinatoren past, stelde sommige intakes een week of langer uit.',
    contact: 'Sofia Almeida, Casa Partilhada (Lissabon) — sofia@kring.example',
  },
  body: `## Waarom we ermee begonnen

Jarenlang deed één coördinator elk intakebezoek alleen. De meeste matches liepen goed, maar de matches die misliepen hadden iets gemeen: een detail dat de gastgever terloops vermeldde, of dat gewoon te zien was in huis, en dat niemand opschreef. Een trap naar de enige vrije kamer. Een hond die vreemden niet graag ziet. Een zoon die "natuurlijk elke avond even langskomt".

Nu doen we elk eerste bezoek aan een gastgever met twee.

## Hoe het werkt

- **Twee rollen.** De ene coördinator leidt het gesprek en houdt het warm. De andere luistert, kijkt rond als dat gevraagd wordt, en maakt notities, zo kort mogelijk.
- **Elke keer dezelfde vragen.** We gebruiken een korte leidraad van twaalf vragen, van "Hoe ziet een goede avond er voor u uit?" tot "Wie heeft er nog een sleutel?". Een versie staat op [onze materialenpagina](https://example.org/homeshare/intake-guide).
- **Eerst vergelijken, dan bespreken.** Terug in de auto of op kantoor schrijft elke coördinator drie dingen op die opvielen, *voordat* ze erover praten. Daarna vergelijken we.
- **Eén vervolgvraag.** Als onze notities elkaar tegenspreken, bellen we de gastgever met één vraag in plaats van te gissen.

### Wie de tweede stoel neemt

De tweede stoel is vaak een nieuwe collega: meelopen met intakes is de beste opleiding die we kennen. Vrijwilligers met een veiligheidsscreening kunnen die rol ook opnemen.

## Waar je op moet letten

- Het kost ons ongeveer anderhalf uur extra per intake, verplaatsing inbegrepen. We denken dat het zichzelf terugbetaalt in matches die niet in de eerste maand stuklopen.
- Gastgevers kunnen zich gecontroleerd voelen. Zeg bij het begin waarom je met twee komt, en ga niet allebei met een notitieboekje zitten.
- Plan het bezoek op een moment dat de gastgever past, niet de twee agenda's.

*Vertaald uit het Engels door Anouk Vermeulen.*
`,
}

const participatieVanOuders: DemoArticle = {
  author: 'marieke',
  community: 'huizen-van-het-kind',
  themes: ['participation', 'hard-to-reach-families'],
  kind: 'theme',
  language: 'nl',
  title: 'Participatie van ouders in het Huis van het Kind',
  slug: 'participatie-van-ouders-in-het-huis-van-het-kind',
  summary:
    'Wat bedoelen we met participatie van ouders, waar staan we als Huizen van het Kind, en wat leerden we in de kring over ouders die we zelden bereiken? Een overzicht om samen verder op te bouwen.',
  status: 'published',
  daysAgo: 33,
  body: `## Waar dit thema over gaat

"Ouders betrekken" staat in elk beleidsplan, maar het betekent heel verschillende dingen. Voor het ene Huis van het Kind is het een tevredenheidsbevraging, voor het andere een oudergroep die mee beslist over het aanbod. In deze kring spreken we van participatie als ouders **invloed** hebben op wat we doen, niet alleen als ze komen opdagen.

## Vier treden

We gebruiken vaak deze eenvoudige trap:

1. **Informeren**: ouders weten wat er is en hoe ze er geraken.
2. **Raadplegen**: we vragen hun mening, en laten achteraf zien wat we ermee deden.
3. **Meedenken**: ouders zitten mee aan tafel bij het uitwerken van een activiteit.
4. **Meebeslissen**: ouders hebben een echte stem, bijvoorbeeld over budget of openingsuren.

Geen enkele trede is "fout". Wel zien we dat we vaak blijven hangen bij raadplegen, en dat ouders dan afhaken omdat ze nooit horen wat er met hun antwoord gebeurde.

## Wat we leerden in de kring

### Wat werkt

- Beginnen bij een concrete vraag van ouders (een speelplein, andere openingsuren) in plaats van bij een overlegstructuur.
- Ouders vergoeden voor hun tijd, met een bon of vervoer, en kinderopvang voorzien tijdens het overleg.
- Een vaste contactpersoon die ouders bij naam kent.
- Sleutelfiguren uit de buurt die mee uitnodigen: een persoonlijke vraag werkt beter dan elke flyer.

### Wat minder werkt

- Oudervergaderingen op een vaste avond in een vergaderzaal.
- Bevragingen zonder terugkoppeling.
- Verwachten dat één "vertegenwoordiger" spreekt voor alle ouders.

## Open vragen

- Hoe houden we participatie vol als de trekker van een project vertrekt?
- Hoe betrekken we vaders, die in onze activiteiten bijna onzichtbaar zijn?

## Verder lezen

- De handleiding *Zo start je een community of practice in 6 stappen*, in deze bibliotheek.
- Een overzicht van participatiemethodes op [example.org](https://example.org/participatie).

Heb je een praktijk die hier past? Schrijf ze uit als praktijk en koppel ze aan het thema *Participatie*.
`,
}

const networkMeeting: DemoArticle = {
  author: 'sofia',
  community: 'homeshare-network',
  themes: ['matching', 'safeguarding', 'evaluation-impact'],
  kind: 'session_summary',
  language: 'en',
  title: 'Network meeting: ending matches, help that grows, and the first six weeks',
  slug: 'network-meeting-ending-matches-help-that-grows-first-six-weeks',
  summary:
    'Fourteen coordinators from five countries met online. Three break-out groups: ending a match well, agreed help that slowly turns into care, and the first six weeks of a match. What worked, what did not, and what we will try next.',
  status: 'published',
  daysAgo: 18,
  body: `## The meeting

Fourteen coordinators from Portugal, Germany, France, Ireland and Belgium met online for ninety minutes. We opened with one round: *a match you are proud of, in one sentence*. Then three break-out groups of twenty-five minutes each, and a short plenary.

## Break-out 1: ending a match well

**What worked**

- Agreeing on an end date at the start, even when it can be extended.
- A last visit by the coordinator with both people together, to say out loud what went well.
- A short card or letter from the homesharer; several householders keep them for years.

**What did not**

- Endings by text message, usually when exams end or a job starts suddenly.
- Leaving the householder alone with the question "who comes next?".

## Break-out 2: when "a bit of help" becomes care

**What worked**

- Writing down the agreed help in hours *and* in examples: "shopping once a week", not "errands".
- A check-in call in week four that asks explicitly about the help.

**What did not**

- Trusting that the homesharer will say so when it gets too much. Most do not; they feel grateful for the room.
- Giving the householder's family the homesharer's number "for emergencies". The calls were rarely emergencies.

## Break-out 3: the first six weeks

**What worked**

- A house-rules sheet, written together on the first evening rather than handed over.
- One small shared activity in the first week: a meal, a walk to the market.

**What did not**

- Long intake forms that nobody reads again once the match has started.

## Call to action

1. Share your end-of-match letter or checklist in the network before the next meeting.
2. Thomas drafts a one-page "agreed help" template; comments welcome.
3. Everyone: try one check-in call in week four, and tell us what you heard.

The slides and the plenary notes are on [the network's shared page](https://example.org/homeshare/meetings).
`,
  comments: [
    {
      author: 'claire',
      hoursAfterPublished: 5,
      body: 'Thank you Sofia, a very fair summary. On letters: we now give every homesharer a blank card on the first day, "for the end". Nobody forgets it that way.',
      replies: [
        {
          author: 'sofia',
          hoursAfterPublished: 9,
          body: 'Lovely idea, Claire. Could you bring a photo of one of those cards (without names) to the next meeting?',
        },
      ],
    },
    {
      author: 'aoife',
      hoursAfterPublished: 30,
      body: 'The point about families hit home. We now offer families their own short call with us once a month, so the small worries stop landing on the homesharer.',
    },
    {
      author: 'thomas',
      hoursAfterPublished: 52,
      body: 'The template is coming. A question for everyone first: do you write the agreed help **per week** or **per month**? We use per month and I am no longer sure it helps.',
    },
  ],
}

const sixSteps: DemoArticle = {
  author: 'anouk',
  themes: ['participation', 'stakeholder-management', 'partner-communication', 'evaluation-impact'],
  kind: 'guide',
  language: 'en',
  title: 'How to set up a community of practice in 6 steps',
  slug: 'how-to-set-up-a-community-of-practice-in-6-steps',
  summary:
    'A practical route from a loose group of colleagues to a community of practice that meets, learns, and shares what it learns with a wider circle.',
  status: 'published',
  daysAgo: 50,
  body: `A community of practice is a group of people who do similar work and meet regularly to get better at it, together. It is not a project team and not a training course. These six steps come from the networks on Kring; skip the ones you have already done.

## 1. Start from a shared question

Not "we should have a network", but "how do we keep homeshare matches from breaking in the first month?". A good question is one that every member meets in their own work, and that nobody has fully solved.

## 2. Find the first five to eight people

Look for the people who already phone each other for advice. Invite them personally. A small group that shows up beats a big mailing list.

## 3. Agree on a rhythm and a place

- Meet often enough to remember each other: monthly, or every six weeks.
- Alternate online and in person if distances allow.
- Keep a fixed format: a round of news, one case in depth, one thing to try before next time.

## 4. Make it safe to share what went wrong

Agree at the start that:

- cases are always anonymised;
- what is said in the room stays there, unless the person who said it wants to write it up;
- failures are as welcome as successes.

## 5. Harvest what you learn

After every meeting, someone writes a short summary: what worked, what did not, what we will try. Rotate this task. Turn the best discussions into practices or guides in the library.

### A simple template

| Question | Notes |
|---|---|
| What was the case? | |
| What did we try? | |
| What happened? | |
| What would we do differently? | |

## 6. Open the circle

After six months, ask: who outside this group would benefit from what we know? Publish, invite a guest, present at a partner's meeting. And evaluate: is the question from step 1 still the right one?

More background on communities of practice is collected on [example.org](https://example.org/communities-of-practice).
`,
}

const zesStappen: DemoArticle = {
  author: 'lotte',
  themes: ['participation', 'stakeholder-management', 'partner-communication', 'evaluation-impact'],
  kind: 'guide',
  language: 'nl',
  title: 'Zo start je een community of practice in 6 stappen',
  slug: 'zo-start-je-een-community-of-practice-in-6-stappen',
  summary:
    "Een praktische weg van een losse groep collega's naar een community of practice die samenkomt, leert, en wat ze leert deelt met een bredere kring.",
  status: 'published',
  daysAgo: 44,
  translationOf: 'how-to-set-up-a-community-of-practice-in-6-steps',
  body: `Een community of practice (een lerend netwerk) is een groep mensen die gelijkaardig werk doen en geregeld samenkomen om er samen beter in te worden. Het is geen projectteam en geen opleiding. Deze zes stappen komen uit de netwerken op Kring; sla over wat je al gedaan hebt.

## 1. Vertrek van een gedeelde vraag

Niet "we zouden een netwerk moeten hebben", maar "hoe voorkomen we dat homeshare-matches in de eerste maand stuklopen?". Een goede vraag is er een die elk lid in het eigen werk tegenkomt, en die niemand helemaal opgelost heeft.

## 2. Zoek de eerste vijf tot acht mensen

Zoek de mensen die elkaar nu al bellen voor advies. Nodig ze persoonlijk uit. Een kleine groep die echt komt, is beter dan een lange mailinglijst.

## 3. Spreek een ritme en een plek af

- Kom vaak genoeg samen om elkaar te onthouden: maandelijks, of om de zes weken.
- Wissel online en fysiek af als de afstanden het toelaten.
- Hou een vast verloop aan: een nieuwsronde, één casus in de diepte, één ding om uit te proberen tegen de volgende keer.

## 4. Maak het veilig om te delen wat misliep

Spreek bij de start af dat:

- casussen altijd anoniem zijn;
- wat in de groep gezegd wordt daar blijft, tenzij wie het zei het zelf wil uitschrijven;
- mislukkingen even welkom zijn als successen.

## 5. Oogst wat je leert

Na elke bijeenkomst schrijft iemand een kort verslag: wat werkte, wat niet, wat we gaan proberen. Laat die taak rondgaan. Maak van de beste gesprekken praktijken of handleidingen in de bibliotheek.

### Een eenvoudig sjabloon

| Vraag | Notities |
|---|---|
| Wat was de casus? | |
| Wat hebben we geprobeerd? | |
| Wat gebeurde er? | |
| Wat zouden we anders doen? | |

## 6. Open de kring

Vraag na zes maanden: wie buiten deze groep heeft iets aan wat wij weten? Publiceer, nodig een gast uit, stel je werk voor op een overleg van een partner. En evalueer: is de vraag van stap 1 nog altijd de juiste?

Meer achtergrond over communities of practice vind je op [example.org](https://example.org/communities-of-practice).
`,
}

const schoolverzuimClb: DemoArticle = {
  author: 'youssef',
  community: 'school-absence-together',
  themes: ['school-absence', 'hard-to-reach-families', 'partner-communication'],
  kind: 'practice',
  language: 'nl',
  title: 'Eerste gesprek over schoolverzuim: samen met het CLB, op een plek die de ouder kiest',
  slug: 'eerste-gesprek-over-schoolverzuim-samen-met-het-clb',
  summary:
    'Bij oplopend verzuim nodigen CLB en school de ouder niet zomaar uit op school, maar vragen ze waar en met wie de ouder wil praten. Het eerste gesprek gaat over het kind, niet over de cijfers.',
  status: 'published',
  daysAgo: 25,
  practice: {
    context:
      'Een CLB in Antwerpen, samen met twee secundaire scholen en het Huis van het Kind in de buurt. Het gaat om leerlingen bij wie het verzuim oploopt en bij wie de school de ouders moeilijk bereikt.',
    targetGroup:
      'Ouders van leerlingen van 12 tot 16 jaar met oplopend schoolverzuim, vaak gezinnen met weinig vertrouwen in school of hulpverlening.',
    country: 'BE',
    whatWorked:
      'Ouders laten kiezen waar en met wie het gesprek plaatsvindt. Beginnen bij het verhaal van de ouder in plaats van bij het overzicht van afwezigheden. Samen een tijdlijn tekenen. Eén kleine, haalbare afspraak in plaats van een actieplan.',
    whatDidNot:
      'Huisbezoeken zonder dat de ouder er zelf om vroeg: dat voelde voor sommigen als controle. Een gesprek zonder tolk omdat "de oudste zoon wel vertaalt": dan praat je over een kind, met een kind als tolk.',
    contact: 'Youssef El Amrani, CLB Antwerpen — youssef@kring.example',
  },
  body: `## De aanleiding

Als een leerling vaak afwezig is, volgt meestal een uitnodiging voor een gesprek op school. Voor veel ouders voelt dat als een berisping. Ze komen niet, of ze komen en zeggen weinig. Ondertussen loopt het verzuim verder op.

Daarom probeerden we het anders, samen met twee secundaire scholen en het Huis van het Kind.

## Hoe we het aanpakken

1. **De ouder kiest de plek.** Thuis, in het Huis van het Kind, in een café of toch op school. De meeste ouders kiezen het Huis van het Kind.
2. **De ouder kiest wie erbij is.** Een vertrouwenspersoon, een tolk, een buur, of een medewerker van het Huis van het Kind die ze al kennen.
3. **Eerst het verhaal, dan de cijfers.** We beginnen met "Hoe gaat het met uw kind?" en we luisteren. Het overzicht van de afwezigheden komt pas op tafel als de ouder er zelf naar vraagt.
4. **Samen een tijdlijn tekenen.** Op een groot blad zetten we wanneer het begon, wat er toen gebeurde, en wanneer het even beter ging. Ouders zien vaak zelf een patroon.
5. **Eén kleine afspraak.** Geen actieplan van twee pagina's, maar één stap voor de komende twee weken, voor iedereen aan tafel.

### Wat we meebrengen

- een groot blad papier en stiften;
- een korte uitleg in gewone taal over wat het CLB doet, en wat niet;
- de gegevens van één vaste contactpersoon.

## Wat we zien

Meer ouders komen naar het eerste gesprek, en ze vertellen meer. Het verzuim lost daarmee niet vanzelf op, maar het tweede gesprek gaat over oplossingen in plaats van over schuld.

Meer over de aanpak en de gespreksleidraad vind je op [example.org](https://example.org/clb/eerste-gesprek).
`,
}

const flyersInKlareTaal: DemoArticle = {
  author: 'lotte',
  community: 'huizen-van-het-kind',
  themes: ['citizen-communication', 'hard-to-reach-families'],
  kind: 'guide',
  language: 'nl',
  title: 'Flyers schrijven in klare taal',
  slug: 'flyers-schrijven-in-klare-taal',
  summary:
    'Een flyer die ouders echt lezen: één boodschap, korte zinnen, de praktische info bovenaan, en getest bij ouders voor hij naar de drukker gaat. Met een checklist.',
  status: 'in_review',
  daysAgo: 3,
  body: `Veel flyers van ons Huis van het Kind werden wel meegenomen, maar niet gelezen. Te veel tekst, te veel logo's, en de belangrijkste informatie (wanneer, waar, is het gratis?) stond onderaan in kleine letters. Dit doen we intussen anders.

## Voor je begint

- **Eén flyer, één boodschap.** Een flyer voor de babyspeelgroep is geen overzicht van al ons aanbod.
- **Weet voor wie je schrijft.** Denk aan één ouder die je kent, en schrijf voor haar of hem.

## Schrijven

### De tekst

- Spreek de lezer aan met *je* of met *u*, en hou dat vol.
- Korte zinnen: één idee per zin, liefst minder dan vijftien woorden.
- Gewone woorden: "gratis" in plaats van "kosteloos", "kom langs" in plaats van "u kunt zich aanmelden".
- Zet de praktische info bovenaan: wat, wanneer, waar, kost het iets, moet ik me inschrijven?

### Beeld en vorm

- Een foto of tekening die toont wat er gebeurt, geen sfeerbeeld.
- Grote letters, veel wit, geen tekst over een foto.
- Eén contactpersoon met een telefoonnummer, liefst ook voor een berichtje.

## Testen

Laat de flyer lezen door twee ouders die er niet aan meewerkten. Vraag niet "Is het duidelijk?", maar "Wat ga je doen als je dit leest?". Klopt het antwoord niet, dan herschrijf je.

## Checklist

1. Staan wat, wanneer en waar in de bovenste helft?
2. Kan iemand de flyer na dertig seconden navertellen?
3. Zijn alle moeilijke woorden vervangen?
4. Staat er één naam en één nummer op?
5. Is hij getest bij minstens twee ouders?

Meer voorbeelden en een sjabloon vind je op [example.org](https://example.org/klare-taal/flyers).
`,
}

const dailyRhythm: DemoArticle = {
  author: 'thomas',
  community: 'homeshare-network',
  themes: ['matching'],
  kind: 'practice',
  language: 'en',
  title: 'Matching on daily rhythm, not only on interests',
  slug: 'matching-on-daily-rhythm-not-only-on-interests',
  summary:
    'We used to match on shared interests. Now we start from the daily rhythm of both people: when they get up, eat, come home and want quiet.',
  status: 'draft',
  daysAgo: 2,
  practice: {
    context:
      'Wohnen für Hilfe in Cologne: about 140 active pairs, almost all with students, on a model of one hour of help per square metre of room per month.',
    targetGroup: 'Householders and homesharers at the matching stage, and the coordinators who propose matches.',
    country: 'DE',
    whatWorked:
      'A one-page "normal weekday, hour by hour" for both people, read side by side before anything else. It opens conversations about fears and habits that never come up as "house rules".',
    whatDidNot:
      'Applicants whose match on interests looked perfect were sometimes not proposed at all, which is hard to explain. Students with irregular timetables are harder to place.',
    contact: 'Thomas Weber, Wohnen für Hilfe Köln — thomas@kring.example',
  },
  body: `> Draft: I am still collecting the numbers from our last year of matches. Comments from the network are welcome before I submit this.

## The problem

Our matching form asked about hobbies, music, pets and smoking. Two people who both loved gardening could still be a bad match when one went to bed at nine and the other came home from a late shift at eleven.

## What we changed

We added one page to the intake, for both the householder and the homesharer: **a normal weekday, hour by hour.**

- When do you get up, and when do you go to bed?
- When do you eat, and do you like to eat together?
- When do you want the house to be quiet?
- Which evenings are you usually away?

The coordinators put both days side by side before looking at anything else.

### The conversation it opens

Householders often say things here that they would never put as a "rule": that they are frightened when someone comes in late, or that they like company at breakfast but not at dinner.

## First impressions

- Fewer complaints about noise and late arrivals in the first months.
- Some matches that looked perfect on interests were not proposed at all, and that is hard to explain to disappointed applicants.
- Students with irregular timetables are harder to place; we are looking at how to be fair to them.

The weekday sheet we use is on [example.org](https://example.org/wohnen/weekday-sheet).
`,
}

const startbijeenkomst: DemoArticle = {
  author: 'youssef',
  community: 'school-absence-together',
  themes: ['school-absence', 'participation'],
  kind: 'session_summary',
  language: 'nl',
  title: 'Verslag startbijeenkomst Samen rond schoolverzuim',
  slug: 'verslag-startbijeenkomst-samen-rond-schoolverzuim',
  summary:
    'Elf ouders en professionals kwamen samen om te bespreken wat ze van deze groep verwachten. De afspraken die we maakten, staan intussen in de welkomstboodschap van de groep.',
  status: 'archived',
  daysAgo: 48,
  archivedDaysAgo: 15,
  body: `## Wie er was

Elf mensen: vier ouders, drie CLB-medewerkers, twee leerkrachten en twee medewerkers van een Huis van het Kind. We spraken af in een buurtcentrum, met soep en kinderopvang.

## Wat we van deze groep verwachten

### Ouders

- Andere ouders vinden die hetzelfde meemaakten.
- Begrijpen wat school en CLB moeten doen, en wat niet.
- Niet beoordeeld worden.

### Professionals

- Horen wat ouders echt helpt, buiten het gesprek op school.
- Voorbeelden uit andere scholen en steden.

## Afspraken

1. Ouders en professionals zijn gelijk in deze groep.
2. We schrijven in het Nederlands of het Engels, wat voor jou het makkelijkst is.
3. Geen namen van kinderen, scholen of personeel.
4. Om de twee maanden een bijeenkomst, afwisselend overdag en 's avonds.

## Wat niet goed liep

- De uitnodiging ging alleen via de school. Ouders die het moeilijk hebben met school kwamen daardoor niet.
- We hadden geen tolk voorzien. Twee ouders haakten halverwege af.

## Volgende stappen

- Uitnodigen via het Huis van het Kind en via sleutelfiguren uit de buurt.
- Een tolk vragen voor elke bijeenkomst.
- Een online groep openen op Kring, zodat wie niet kan komen toch kan meepraten.

Het volledige verslag met foto's van de flappen staat op [example.org](https://example.org/schoolverzuim/startbijeenkomst).
`,
}

/** In any order: the seed writes them in the order they happened. */
export const demoArticles: DemoArticle[] = [
  intakeInPairs,
  intakeMetTwee,
  participatieVanOuders,
  networkMeeting,
  sixSteps,
  zesStappen,
  schoolverzuimClb,
  flyersInKlareTaal,
  dailyRhythm,
  startbijeenkomst,
]
