// The demo content a new install shows: people, themes and three communities with threads.
// Typed by ./content-types.ts; src/demo/seed.ts turns it into rows. All people and organisations
// are fictional unless they are a generic kind of service (a CLB, a Huis van het Kind).
import type { DemoCommunity, DemoPerson, DemoTheme } from './content-types.js'

export const demoPeople: DemoPerson[] = [
  {
    key: 'anouk',
    email: 'admin@kring.example',
    displayName: 'Anouk Vermeulen',
    siteRole: 'admin',
    locale: 'nl',
    organisation: 'Kring',
    country: 'BE',
    timeZone: 'Europe/Brussels',
    bio: 'Beheert Kring en begeleidt de coördinatoren van de Huizen van het Kind.',
  },
  {
    key: 'marieke',
    email: 'marieke@kring.example',
    displayName: 'Marieke Janssens',
    siteRole: 'member',
    locale: 'nl',
    organisation: 'Huis van het Kind Gent',
    country: 'BE',
    timeZone: 'Europe/Brussels',
    bio: 'Coördinator in Gent. Bezig met participatie van ouders die we moeilijk bereiken.',
  },
  {
    key: 'sofia',
    email: 'sofia@kring.example',
    displayName: 'Sofia Almeida',
    siteRole: 'member',
    locale: 'en',
    organisation: 'Casa Partilhada',
    country: 'PT',
    timeZone: 'Europe/Lisbon',
    bio: 'Runs a homeshare programme in Lisbon that matches students with older people living alone.',
  },
  {
    key: 'thomas',
    email: 'thomas@kring.example',
    displayName: 'Thomas Weber',
    siteRole: 'member',
    locale: 'en',
    organisation: 'Wohnen für Hilfe Köln',
    country: 'DE',
    timeZone: 'Europe/Berlin',
    bio: 'Homeshare coordinator; interested in how other countries screen and match participants.',
  },
  {
    key: 'youssef',
    email: 'youssef@kring.example',
    displayName: 'Youssef El Amrani',
    siteRole: 'member',
    locale: 'nl',
    organisation: 'CLB Antwerpen',
    country: 'BE',
    timeZone: 'Europe/Brussels',
    bio: 'Werkt met ouders en scholen rond schoolverzuim.',
  },
  {
    key: 'claire',
    email: 'claire@kring.example',
    displayName: 'Claire Morel',
    siteRole: 'member',
    locale: 'en',
    organisation: 'Toit en Partage Lyon',
    country: 'FR',
    timeZone: 'Europe/Paris',
    bio: 'Coordinates intergenerational homeshare in Lyon. Former social worker, still writes every intake report by hand first.',
  },
  {
    key: 'aoife',
    email: 'aoife@kring.example',
    displayName: 'Aoife Brennan',
    siteRole: 'member',
    locale: 'en',
    organisation: 'Homeshare West',
    country: 'IE',
    timeZone: 'Europe/Dublin',
    bio: 'Matches older householders in Galway and Mayo with people who need an affordable room. Happy to talk endings, contracts and tea.',
  },
  {
    key: 'lotte',
    email: 'lotte@kring.example',
    displayName: 'Lotte Wouters',
    siteRole: 'member',
    locale: 'nl',
    organisation: 'Huis van het Kind Leuven',
    country: 'BE',
    timeZone: 'Europe/Brussels',
    bio: 'Coördinator in Leuven, vroeger kinderbegeleider. Zoekt altijd naar de eenvoudigste manier om iets uit te leggen.',
  },
  {
    key: 'pieter',
    email: 'pieter@kring.example',
    displayName: 'Pieter Vandenbroucke',
    siteRole: 'member',
    locale: 'nl',
    organisation: 'Huis van het Kind Kortrijk',
    country: 'BE',
    timeZone: 'Europe/Brussels',
    bio: 'Coördineert het Huis van het Kind in Kortrijk en zit mee aan tafel in het lokaal overleg rond schoolverzuim.',
  },
  {
    key: 'hannah',
    email: 'hannah@kring.example',
    displayName: 'Hannah Okafor',
    siteRole: 'member',
    locale: 'en',
    organisation: 'Parent, Antwerp',
    country: 'BE',
    timeZone: 'Europe/Brussels',
    bio: 'Mother of two, living in Antwerp for eight years. Joined after a difficult year with my son and school.',
  },
]

export const demoThemes: DemoTheme[] = [
  {
    slug: 'participation',
    labels: { en: 'Participation', nl: 'Participatie', de: 'Partizipation', fr: 'Participation' },
  },
  {
    slug: 'citizen-communication',
    labels: {
      en: 'Citizen communication',
      nl: 'Burgercommunicatie',
      de: 'Bürgerkommunikation',
      fr: 'Communication citoyenne',
    },
  },
  {
    slug: 'partner-communication',
    labels: {
      en: 'Partner communication',
      nl: 'Partnercommunicatie',
      de: 'Partnerkommunikation',
      fr: 'Communication avec les partenaires',
    },
  },
  {
    slug: 'stakeholder-management',
    labels: {
      en: 'Stakeholder management',
      nl: 'Stakeholdermanagement',
      de: 'Stakeholder-Management',
      fr: 'Gestion des parties prenantes',
    },
  },
  {
    slug: 'matching',
    labels: {
      en: 'Matching hosts and homesharers',
      nl: 'Matching van gastgevers en homesharers',
      de: 'Vermittlung von Wohnpartnerschaften',
      fr: 'Mise en relation hôtes et cohabitants',
    },
  },
  {
    slug: 'safeguarding',
    labels: {
      en: 'Safeguarding',
      nl: 'Veiligheid en bescherming',
      de: 'Schutz und Sicherheit',
      fr: 'Protection des personnes',
    },
  },
  {
    slug: 'school-absence',
    labels: { en: 'School absence', nl: 'Schoolverzuim', de: 'Schulabsentismus', fr: 'Absentéisme scolaire' },
  },
  {
    slug: 'hard-to-reach-families',
    labels: {
      en: 'Reaching families we rarely reach',
      nl: 'Bereik van kwetsbare gezinnen',
      de: 'Schwer erreichbare Familien',
      fr: 'Atteindre les familles éloignées',
    },
  },
  {
    slug: 'evaluation-impact',
    labels: {
      en: 'Evaluation and impact',
      nl: 'Evaluatie en impact',
      de: 'Evaluation und Wirkung',
      fr: 'Évaluation et impact',
    },
  },
  {
    slug: 'volunteer-onboarding',
    labels: {
      en: 'Onboarding volunteers',
      nl: 'Onthaal van vrijwilligers',
      de: 'Einarbeitung von Ehrenamtlichen',
      fr: 'Accueil des bénévoles',
    },
  },
]

const homeshare: DemoCommunity = {
  slug: 'homeshare-network',
  name: 'Homeshare Practitioners Network',
  description: `A place for people who run homeshare programmes: an older or less independent householder offers a room, a homesharer offers company and a few hours of help a week, and a coordinator makes the match and stays with it.

We are coordinators from Lisbon, Cologne, Lyon, the west of Ireland and elsewhere. Programmes differ a lot (hours of help, fees, who screens whom), so **say where you are** when you describe how you work.

- Share cases, but never names or details that could identify a householder or homesharer.
- Questions in your own language are welcome; most of us answer in English.
- Good threads end up in the library, so a short summary at the end of a discussion helps everyone.`,
  visibility: 'public',
  joinPolicy: 'open',
  moderators: ['sofia'],
  members: ['thomas', 'claire', 'aoife', 'anouk'],
  threads: [
    {
      author: 'sofia',
      title: 'Welcome — read this first',
      pinned: true,
      daysAgo: 58,
      themes: ['participation'],
      body: `Welcome to the network! A few things that make this group work:

1. **Introduce yourself** in a reply here: where you work, how big your programme is, and one thing you are struggling with right now.
2. **Anonymise cases.** "A host in her eighties with a dog" is fine; a street name is not.
3. **Write down what you tried**, not only what went wrong. The failed attempts are often the most useful part for someone else.

We meet online on the first Tuesday of the month (the meetings page has the link). If you want to present a case, tell me a week before.

*Sofia, Casa Partilhada, Lisbon*`,
      replies: [
        {
          author: 'thomas',
          hoursAfterThread: 3,
          body: `Thomas from Cologne. We run a "one hour of help per square metre per month" model, about 140 active pairs, almost all with students. Current struggle: hosts who say yes to "help in the garden" and then really mean daily care.`,
          replies: [
            {
              author: 'sofia',
              hoursAfterThread: 6,
              body: 'That one sounds familiar. Would you write it up as its own thread? I think Aoife had something similar last winter.',
              replies: [
                {
                  author: 'aoife',
                  hoursAfterThread: 20,
                  body: 'I did, yes: a host whose "bit of shopping" turned into being on call every evening. Happy to join that thread, Thomas.',
                },
              ],
            },
          ],
        },
        {
          author: 'claire',
          hoursAfterThread: 26,
          body: `Bonjour à tous ! Claire from Lyon. About 60 pairs, mostly older women living alone and students from outside the city. My struggle: **endings**. We are good at starting matches and bad at closing them well.`,
        },
        {
          author: 'anouk',
          hoursAfterThread: 31,
          body: `Anouk here, I look after Kring itself. I don't run a homeshare programme, but I'm around if something on the platform doesn't work — or if you want help turning a thread into a library article.`,
        },
      ],
    },
    {
      author: 'thomas',
      title: 'Matching an 84-year-old host with a first-year student: what we got wrong',
      daysAgo: 41,
      themes: ['matching', 'safeguarding'],
      body: `A case from this autumn, anonymised.

**The host:** a woman of 84, widowed, big flat near the university, some hearing loss, very sharp. Wanted "someone in the house at night" and help with shopping.

**The homesharer:** a first-year student from abroad, 19, quiet, very polite, first time living away from home.

On paper it was a good match. The intake went well, they liked each other at the first meeting, the agreement said *6 hours of help a week*.

What went wrong, in order:

- In week three the host's daughter started phoning the student directly with requests. Neither of them told us.
- The student did not dare to say no, and by the exam period she was doing 12+ hours.
- The host, who could not hear the phone calls, thought the student was "always busy" and felt rejected.

We only found out at the six-week check-in, when the student cried on the phone.

What we changed afterwards: the agreement now names **who may ask for help** (the host, not relatives), and the first check-in is at two weeks instead of six. Is anyone involving adult children formally in the intake? I'm torn: it helps, but it also makes them feel entitled to manage the match.`,
      replies: [
        {
          author: 'sofia',
          hoursAfterThread: 5,
          body: `Thank you for writing this so honestly. We do invite adult children to the intake, but **only to one part of it**: the part where we explain what homeshare is *not* (not care, not a cleaner, not a nurse at night). Then they leave and we talk to the host alone.`,
          replies: [
            {
              author: 'thomas',
              hoursAfterThread: 9,
              body: 'That split is clever. Do the children accept being sent out?',
              replies: [
                {
                  author: 'sofia',
                  hoursAfterThread: 14,
                  body: 'Mostly, if we announce it beforehand in the invitation letter. The few who refuse tend to be exactly the families where the match would have been difficult, so it is a signal in itself.',
                  replies: [
                    {
                      author: 'claire',
                      hoursAfterThread: 30,
                      body: `C'est exactement ça. We learned the same the hard way: a relative who insists on staying is information, not an obstacle. I now write it down in the intake notes.`,
                    },
                  ],
                },
              ],
            },
          ],
        },
        {
          author: 'aoife',
          hoursAfterThread: 22,
          body: `The two-week check-in is the real lesson for me. We also give every homesharer a card with *"You can always say: I need to check that with the coordinator."* It buys them time without a confrontation. Very young homesharers especially need permission to say that sentence.`,
          replies: [
            {
              author: 'thomas',
              hoursAfterThread: 27,
              body: 'Stealing the card idea. Would you share the wording of the whole card?',
              replies: [
                {
                  author: 'aoife',
                  hoursAfterThread: 40,
                  body: "Sure, I'll post it in the library once I have translated the Irish-language side too.",
                },
              ],
            },
          ],
        },
        {
          author: 'anouk',
          hoursAfterThread: 50,
          body: 'This would make a good library article ("Relatives in the match: three rules"). Thomas, if you want, I can draft it from this thread and you check it.',
        },
      ],
    },
    {
      author: 'aoife',
      title: 'A host wants to end the match after six weeks — how do you handle the ending?',
      daysAgo: 23,
      themes: ['matching', 'evaluation-impact'],
      body: `Our host (late seventies, lives alone in a farmhouse outside town) rang me on Monday: she wants her homesharer to leave. Nothing dramatic. "He's a nice lad but he's *everywhere*." He works from home, is in the kitchen all day, and she misses her silence.

He has no idea. He told me last week it was going great.

Our agreement allows either side to end with **four weeks' notice**. My questions:

- Do you tell the homesharer yourself, or support the host to do it?
- Do you try a "rescue" conversation first, or respect that she has decided?
- How do you record the reason, so it helps future matches without being unfair to him?

I have a call with her on Thursday.`,
      replies: [
        {
          author: 'claire',
          hoursAfterThread: 4,
          body: `My rule now: **the host says it, I am in the room.** When I delivered the message myself, the homesharer felt the host had gone behind his back, and the last four weeks were awful for both.

I would ask her on Thursday whether she has decided, or whether she wants it to be different. Those are two different conversations, and some hosts don't know which one they are having.`,
          replies: [
            {
              author: 'aoife',
              hoursAfterThread: 60,
              body: 'Update: asked exactly that. She said "different" after a long pause. So we are trying agreed quiet hours (mornings) and he will work from the library twice a week. Review in three weeks.',
              replies: [
                {
                  author: 'sofia',
                  hoursAfterThread: 66,
                  body: 'Lovely outcome. One thing I would add: write the quiet hours **into the agreement**, not just in your notes. It makes it feel like a shared rule rather than a complaint about him.',
                },
                {
                  author: 'claire',
                  hoursAfterThread: 80,
                  body: 'Et si ça ne marche pas dans trois semaines, at least the ending will be softer because everyone tried. Bonne chance !',
                },
              ],
            },
          ],
        },
        {
          author: 'thomas',
          hoursAfterThread: 12,
          body: `On recording the reason: we use a short list of codes (space and privacy / help hours / lifestyle / health / external) plus one free sentence written *together with* the person who ended it. Nobody gets a "bad homesharer" label for a lifestyle mismatch.`,
        },
        {
          author: 'anouk',
          hoursAfterThread: 90,
          body: 'Thomas, if you have that code list in a shareable form, it would be useful beyond homeshare. Family centres have the same question about why parents stop coming.',
        },
      ],
    },
    {
      author: 'claire',
      title: 'Intake interviews: which questions actually predict a good match?',
      daysAgo: 9,
      themes: ['matching', 'evaluation-impact', 'volunteer-onboarding'],
      body: `I went back through two years of our intake notes (about 90 matches) and compared them with how the matches ended. Small numbers, so take it with salt, but some questions seem to matter more than we thought:

- **"Describe a normal Sunday."** Better than any question about hobbies. Very different Sundays = trouble.
- **"What would annoy you in a flatmate?"** People answer honestly because it is not about the other person yet.
- **"Who else has a key to your home?"** (for hosts) tells you a lot about family involvement.

Questions that predicted *nothing*: age difference, shared language level above basic, whether they liked each other at the first meeting.

Our interview guide is [here on our public site](https://example.org/intake-guide) (French only, sorry). What would you add?`,
      replies: [
        {
          author: 'thomas',
          hoursAfterThread: 7,
          body: 'The Sunday question is brilliant. We ask about noise and visitors, but as a checklist, and people tick "no problem" everywhere. A story reveals more than a tick box.',
          replies: [
            {
              author: 'claire',
              hoursAfterThread: 11,
              body: 'Yes! The checklists made people sound perfectly flexible. Nobody is perfectly flexible at 82 or at 20.',
            },
          ],
        },
        {
          author: 'sofia',
          hoursAfterThread: 19,
          body: `Interesting that "liked each other at the first meeting" predicts nothing. We have been treating that meeting as the final test. Maybe it should be a *second* meeting, in the host's home, at a boring time of day — Tuesday at 18:00, not Saturday afternoon with cake.`,
          replies: [
            {
              author: 'aoife',
              hoursAfterThread: 25,
              body: 'We did exactly this for a year: the second visit is "dinner as it really is". Fewer matches started, but fewer ended early too. I can dig out the numbers.',
              replies: [
                {
                  author: 'sofia',
                  hoursAfterThread: 34,
                  body: 'Please do. That is the argument I need for my board, who count matches started.',
                },
              ],
            },
          ],
        },
      ],
    },
  ],
}

const familyCentres: DemoCommunity = {
  slug: 'huizen-van-het-kind',
  name: 'Coördinatoren Huizen van het Kind',
  description: `Een besloten kring voor coördinatoren van de Huizen van het Kind in Vlaanderen. We delen wat werkt (en wat niet) in het bereiken van gezinnen, in de samenwerking met partners en in het betrekken van ouders.

Omdat we hier concrete situaties bespreken, lezen alleen leden mee. Wil je lid worden, vertel dan kort wie je bent en in welk Huis van het Kind je werkt.

We spreken maandelijks af, afwisselend online en bij een van de Huizen.`,
  visibility: 'members',
  joinPolicy: 'request',
  moderators: ['marieke'],
  members: ['anouk', 'lotte', 'pieter'],
  pendingRequests: [
    {
      person: 'youssef',
      note: 'Ik werk bij het CLB in Antwerpen en zit vaak samen met het Huis van het Kind rond gezinnen met veel schoolverzuim. Ik zou graag meelezen en af en toe iets inbrengen vanuit de school.',
    },
  ],
  threads: [
    {
      author: 'marieke',
      title: 'Welkom — lees dit eerst',
      pinned: true,
      daysAgo: 55,
      themes: ['participation'],
      body: `Welkom in de kring! Enkele afspraken:

- **Geen namen of herkenbare details** van gezinnen, ook niet "de mama van de tweeling in de Brugse Poort".
- Wat hier gezegd wordt, blijft hier. Wil je iets naar buiten brengen (bijvoorbeeld als artikel in de bibliotheek), vraag het dan eerst aan wie het schreef.
- Vragen mogen klein zijn. "Hoe laat beginnen jullie een ouderavond?" is een prima vraag.

Stel je gerust even voor in een reactie: welk Huis, hoe groot je team is, en waar je op dit moment van wakker ligt.`,
      replies: [
        {
          author: 'lotte',
          hoursAfterThread: 4,
          body: 'Lotte, Leuven. Team van vijf, met twee consultatiebureaus en een inloopteam. Waar ik van wakker lig: onze nieuwe website, die niemand lijkt te vinden.',
        },
        {
          author: 'pieter',
          hoursAfterThread: 21,
          body: 'Pieter uit Kortrijk. Kleiner team, veel samenwerking met scholen en het OCMW. Mijn zorg: we hebben dit jaar bijna geen nieuwe ouders bereikt via de kinderopvang, en ik weet niet goed waarom.',
          replies: [
            {
              author: 'marieke',
              hoursAfterThread: 26,
              body: 'Dat is een goed onderwerp voor een aparte draad, Pieter. Ik vermoed dat meer Huizen dat zien sinds de opvang zelf zoveel meer moet registreren.',
            },
          ],
        },
        {
          author: 'anouk',
          hoursAfterThread: 30,
          body: 'Anouk, ik begeleid de kring en beheer het platform. Als er iets technisch hapert, laat het me weten. Ik lees mee, maar jullie zijn de experts.',
        },
      ],
    },
    {
      author: 'marieke',
      title: 'Hoe bereiken jullie vaders?',
      daysAgo: 34,
      themes: ['hard-to-reach-families', 'participation'],
      body: `Bij ons in Gent is ongeveer **90% van de ouders op onze activiteiten een moeder**. Vaders zien we aan de deur, bij het brengen en halen, en dan zijn ze weer weg.

Wat we al probeerden:

1. Een *papa-ontbijt* op zaterdag. Eerste keer zes vaders, daarna twee.
2. Een flyer "speciaal voor papa's". Niemand kwam, en een paar moeders vonden het vreemd.
3. Een fietsherstelatelier op het plein, met een kinderhoek. Dát werkte: vaders bleven hangen en praatten met onze medewerker over slapen, tanden, school.

Mijn conclusie tot nu toe: vaders komen niet naar een activiteit *over* opvoeding, maar wel naar iets waar ze iets *doen*, en dan gaat het gesprek vanzelf over opvoeding. Herkennen jullie dat? En hoe houden jullie het vol zonder dat het een eenmalig succes blijft?`,
      replies: [
        {
          author: 'lotte',
          hoursAfterThread: 6,
          body: `Heel herkenbaar. In Leuven werkt **voetbal op woensdagnamiddag** het best: vaders en kinderen samen op een pleintje, een van onze medewerkers speelt mee. Geen inschrijving, geen folder.

Wat het volhoudbaar maakt: het is altijd dezelfde medewerker. Vaders komen voor hem, niet voor "het Huis van het Kind".`,
          replies: [
            {
              author: 'marieke',
              hoursAfterThread: 10,
              body: 'Dat is ook meteen het risico, niet? Als hij vertrekt, is alles weg.',
              replies: [
                {
                  author: 'lotte',
                  hoursAfterThread: 15,
                  body: 'Klopt. We laten nu een tweede collega meedraaien, eerst gewoon als extra speler. Het duurt maanden voor vaders hem ook vertrouwen.',
                  replies: [
                    {
                      author: 'pieter',
                      hoursAfterThread: 40,
                      body: 'Dat is precies wat we bij ons te weinig doen: een overdracht plannen vóór iemand vertrekt. Ik neem dat mee naar ons teamoverleg.',
                    },
                  ],
                },
              ],
            },
          ],
        },
        {
          author: 'pieter',
          hoursAfterThread: 20,
          body: `In Kortrijk hebben we gemerkt dat **het uur** meer uitmaakt dan het onderwerp. Veel vaders werken in ploegen. Een activiteit om 10 uur op zaterdag is voor een deel van hen midden in de nacht.

We vragen nu bij de inschrijving voor het consultatiebureau gewoon: "Wanneer zou de andere ouder kunnen komen?" Eenvoudige vraag, veel informatie.`,
        },
        {
          author: 'anouk',
          hoursAfterThread: 48,
          body: 'Marieke, mag ik je drie pogingen (inclusief de mislukte!) als kort artikel voor de bibliotheek voorstellen? Het papa-ontbijt dat afzwakte is net zo leerrijk als het fietsatelier.',
          replies: [{ author: 'marieke', hoursAfterThread: 53, body: 'Graag, zonder de naam van het plein dan.' }],
        },
      ],
    },
    {
      author: 'lotte',
      title: 'Flyers vertalen: wat werkt beter dan een vertaalapp?',
      daysAgo: 17,
      themes: ['citizen-communication', 'hard-to-reach-families'],
      body: `We hebben een nieuwe flyer voor de inloopmomenten en willen die in meer talen. De vorige keer gebruikten we een vertaalapp voor Arabisch, Turks en Roemeens. Een mama zei achteraf vriendelijk dat de Arabische versie "klonk als een brief van de belastingen".

Wat ik nu overweeg:

- vertalen door **sleutelfiguren** uit de buurt (tegen vergoeding),
- minder tekst, meer **pictogrammen en foto's** van onze eigen ruimte,
- een kort **spraakbericht** in de taal, dat we via WhatsApp-groepen van ouders kunnen laten doorsturen.

Wie heeft hier ervaring mee? Vooral: hoe vergoeden jullie sleutelfiguren, en hoe controleren jullie de vertaling als niemand in het team de taal spreekt?`,
      replies: [
        {
          author: 'marieke',
          hoursAfterThread: 3,
          body: `Spraakberichten werken bij ons veel beter dan papier. Een mama die Tigrinya spreekt neemt voor ons een bericht van 40 seconden op; dat gaat rond in haar netwerk en we zien die week nieuwe gezichten.

Controle: we laten een **tweede** sleutelfiguur het beluisteren en in gewone woorden terugvertellen wat ze hoorde. Geen perfecte methode, maar je hoort meteen als er iets vreemds in zit.`,
          replies: [
            {
              author: 'lotte',
              hoursAfterThread: 8,
              body: 'Terugvertellen is slim. Vergoeden jullie dat via vrijwilligersvergoeding?',
              replies: [
                {
                  author: 'marieke',
                  hoursAfterThread: 12,
                  body: 'Ja, de gewone vrijwilligersvergoeding, en we zorgen dat het een afgesproken taak is, met een kort onthaalgesprek. Anders blijft het "iemand een gunst vragen", en dat vraag je maar één keer.',
                },
              ],
            },
          ],
        },
        {
          author: 'pieter',
          hoursAfterThread: 28,
          body: 'Let op met pictogrammen: we gebruikten een klok om het uur aan te geven en een deel van de ouders las dat als "wachten". Foto\'s van de echte ruimte en van de medewerkers die er zullen zijn, werken bij ons het best.',
        },
        {
          author: 'anouk',
          hoursAfterThread: 35,
          body: 'Er bestaat een goede checklist voor *duidelijke taal* op [example.org/klare-taal](https://example.org/klare-taal). Misschien eerst de Nederlandse tekst vereenvoudigen, dan wordt elke vertaling ook beter.',
        },
      ],
    },
    {
      author: 'pieter',
      title: 'Samenwerking met de kinderopvang: wie informeert wie?',
      daysAgo: 6,
      themes: ['partner-communication', 'stakeholder-management', 'hard-to-reach-families'],
      body: `Zoals beloofd in de welkomstdraad. Vroeger kwamen veel nieuwe gezinnen bij ons via de kinderopvang: de begeleiders gaven onze folder mee of namen ouders mee naar een inloopmoment. Dit jaar is dat bijna stilgevallen.

Wat ik hoorde toen ik bij drie opvanglocaties langsging:

- ze hebben *geen tijd* meer voor een gesprek bij het ophalen,
- ze weten niet goed wat wij precies aanbieden ("jullie doen toch vooral consultaties?"),
- niemand bij ons belt hen nog, sinds onze vorige collega vertrok.

Dat laatste is pijnlijk eerlijk. Hoe houden jullie het contact met opvang warm zonder dat het afhangt van één persoon? Een vaste contactpersoon per locatie? Een nieuwsbrief? (Een nieuwsbrief leest volgens mij niemand.)`,
      replies: [
        {
          author: 'lotte',
          hoursAfterThread: 5,
          body: `Wij hebben per opvanglocatie een **duo**: één medewerker van ons en één van de opvang, die elkaar twee keer per jaar zien. Dat staat in de jaarplanning, dus het gebeurt ook als iemand vertrekt.

Een nieuwsbrief hebben we afgeschaft. Wel een A4 aan het prikbord van de opvang met *drie* dingen die deze maand gebeuren.`,
          replies: [
            {
              author: 'pieter',
              hoursAfterThread: 9,
              body: 'Twee keer per jaar lijkt haalbaar. Wat bespreken jullie dan concreet?',
              replies: [
                {
                  author: 'lotte',
                  hoursAfterThread: 14,
                  body: 'Vooral: welke gezinnen zien zij die wij niet zien (zonder namen), en wat hebben zij nodig van ons. Die tweede vraag verandert alles; het wordt geen reclamemoment meer.',
                },
              ],
            },
          ],
        },
        {
          author: 'marieke',
          hoursAfterThread: 22,
          body: 'Ik herken het "jullie doen toch vooral consultaties". We hebben een kort filmpje van twee minuten gemaakt over een gewone dinsdag in ons Huis. Opvangteams bekijken het tijdens hun teamoverleg; veel effectiever dan onze folder.',
        },
      ],
    },
  ],
}

const schoolAbsence: DemoCommunity = {
  slug: 'school-absence-together',
  name: 'Samen rond schoolverzuim / School absence together',
  description: `Ouders, leerkrachten, CLB-medewerkers en mensen van de Huizen van het Kind, samen rond één vraag: **wat helpt een kind dat niet meer (graag) naar school gaat?**

Parents and professionals are equal here. Write in Dutch or English, whichever is easiest for you; others will answer in their own language or both.

- Share your experience, not someone else's story.
- No names of children, schools or staff.
- This is not a place for urgent help. If a child is unsafe, contact the school, the CLB or emergency services.`,
  visibility: 'public',
  joinPolicy: 'open',
  moderators: ['youssef'],
  members: ['hannah', 'pieter', 'marieke', 'anouk'],
  threads: [
    {
      author: 'youssef',
      title: 'Welkom / Welcome — lees dit eerst / read this first',
      pinned: true,
      daysAgo: 50,
      themes: ['school-absence', 'participation'],
      body: `**NL** — Welkom! Deze groep is er voor ouders én professionals. Niemand is hier "de expert": een ouder weet dingen over zijn of haar kind die geen CLB-dossier bevat.

**EN** — Welcome! This group is for parents *and* professionals. Nobody here is "the expert": a parent knows things about their child that no file contains.

Stel je gerust voor / Feel free to introduce yourself. Ik ben Youssef, ik werk bij het CLB in Antwerpen.`,
      replies: [
        {
          author: 'hannah',
          hoursAfterThread: 8,
          body: `Hi, I'm Hannah. My son (14) missed most of last spring. He is back at school now, part-time. I'm here because I wish I had found other parents earlier. My Dutch is okay for reading but I write better in English.`,
          replies: [
            {
              author: 'youssef',
              hoursAfterThread: 11,
              body: 'Welcome Hannah, and English is completely fine. Thank you for joining; parents who have been through it are exactly who this group needs.',
              replies: [
                {
                  author: 'hannah',
                  hoursAfterThread: 16,
                  body: 'Thanks. I will try to write about the first weeks, which were the hardest.',
                },
              ],
            },
          ],
        },
        {
          author: 'pieter',
          hoursAfterThread: 24,
          body: 'Pieter, Huis van het Kind Kortrijk. We zien verzuim vaak al bij kleuters, lang voor het een "probleem" heet. Benieuwd naar wat ouders hier vertellen.',
        },
      ],
    },
    {
      author: 'hannah',
      title: "My son stopped going to school after the autumn break — a parent's view",
      daysAgo: 29,
      themes: ['school-absence', 'participation', 'partner-communication'],
      body: `I promised to write this. It is long, sorry.

After the autumn break my son had a stomach ache every morning. The doctor found nothing. After two weeks he simply could not get out of the car at the school gate. I was late for work every day, then I stopped going to work.

**What did not help:**

- The first letter from school, which listed the *law* on absence before it said anything about him.
- Being told "be firm, bring him every day". I was bringing him every day. He was not getting out of the car.
- Five professionals in one meeting, all asking me questions, him sitting next to me.

**What helped:**

- One teacher who sent him a short message every Friday. Not about school work. Just "we missed you in class this week, here's what we laughed about."
- The CLB worker who came to our *home*, and spoke to him alone, in English.
- A plan where he came in for *one* hour, to one class he liked, with an agreed place to go when it got too much.

He now goes four mornings a week. I want professionals to know: the parent is usually already exhausted when you first meet them.`,
      replies: [
        {
          author: 'youssef',
          hoursAfterThread: 4,
          body: `Thank you, Hannah. The bit about five professionals in one meeting hits home; we do that with the best intentions. Since last year we try to have **one person** who talks with the family first, and the big meeting only if the family wants it.

Mag ik vragen: what made you trust the CLB worker who came home? Was it the setting, or something the worker did?`,
          replies: [
            {
              author: 'hannah',
              hoursAfterThread: 10,
              body: 'Partly the home. But mostly she asked him what *he* thought was going on, and waited. Nobody had asked him that. He talked about a group of boys in the changing room that I had never heard of.',
              replies: [
                {
                  author: 'youssef',
                  hoursAfterThread: 15,
                  body: 'Dat is zo vaak het geval: the reason is something the adults did not know about. Thank you, I will use this (anonymously) in our training for new colleagues.',
                  replies: [
                    {
                      author: 'hannah',
                      hoursAfterThread: 20,
                      body: 'Please do. If it saves one family the first two weeks we had, that is worth it.',
                    },
                  ],
                },
              ],
            },
          ],
        },
        {
          author: 'marieke',
          hoursAfterThread: 30,
          body: `Heel herkenbaar vanuit het Huis van het Kind: ouders komen bij ons vaak pas als ze zelf al maanden op zijn. *The Friday message* is such a small thing. Ik ga het doorgeven aan de scholen in onze buurt.`,
        },
        {
          author: 'pieter',
          hoursAfterThread: 45,
          body: 'Mag ik je tekst, zonder je naam, voorlezen op ons lokaal overleg schoolverzuim? Scholen luisteren anders naar een ouder dan naar ons.',
          replies: [
            {
              author: 'hannah',
              hoursAfterThread: 52,
              body: 'Yes, of course. Without my name, and maybe say he is doing better now. That matters to me too.',
            },
          ],
        },
      ],
    },
    {
      author: 'youssef',
      title: 'Het eerste gesprek met ouders bij veel afwezigheden: welke toon?',
      daysAgo: 14,
      themes: ['school-absence', 'citizen-communication', 'hard-to-reach-families'],
      body: `Bij ons volgt na een aantal problematische afwezigheden een uitnodiging voor een gesprek met de ouders, school en CLB. Veel ouders komen niet opdagen, en dan gaat het dossier snel een richting uit die niemand wil.

Ik probeer dit jaar een paar dingen anders:

1. Eerst **bellen**, pas daarna een brief, en de brief begint met het kind, niet met de regels.
2. Het gesprek mag op school, thuis, of in het Huis van het Kind, naar keuze van de ouder.
3. Ouders mogen iemand meebrengen: een buur, een tolk, een vriendin.

Vraag aan ouders hier: wat zou jou doen komen naar zo'n gesprek? En aan collega's: hoe formuleren jullie die eerste uitnodiging?`,
      replies: [
        {
          author: 'hannah',
          hoursAfterThread: 6,
          body: `Honestly: knowing it is not a trial. The first invitation we got said "in aanwezigheid van de directie en het CLB", and I thought they were going to report me. A sentence like *"we want to understand what is going on for your child and how we can help"* would have changed everything.`,
          replies: [
            {
              author: 'youssef',
              hoursAfterThread: 9,
              body: 'Dank je, dat is precies de zin die ik zocht. Mag ik die (in het Nederlands) in onze standaardbrief zetten?',
              replies: [
                {
                  author: 'hannah',
                  hoursAfterThread: 13,
                  body: 'Of course. And please offer the letter in English or French too, many parents at our school need that.',
                },
              ],
            },
          ],
        },
        {
          author: 'pieter',
          hoursAfterThread: 18,
          body: `In Kortrijk doen we het eerste gesprek soms in het Huis van het Kind, omdat ouders ons kennen van de consultaties van vroeger. Het verschil in opkomst is groot. Nadeel: de school voelt zich soms gepasseerd, dus we spreken altijd vooraf af wie wat zegt.`,
        },
        {
          author: 'anouk',
          hoursAfterThread: 26,
          body: "Youssef, als je nieuwe uitnodigingsbrief klaar is, zou ik hem graag als voorbeeld in de bibliotheek zetten, met de oude ernaast. Zo'n voor-en-na zegt meer dan een richtlijn.",
        },
      ],
    },
    {
      author: 'pieter',
      title: 'Kleuters die vaak afwezig zijn: signaal of gewoon jong?',
      daysAgo: 3,
      themes: ['school-absence', 'hard-to-reach-families', 'evaluation-impact'],
      body: `Sinds de leerplicht vanaf vijf jaar geldt, krijgen we meer vragen van kleuterscholen over kinderen die veel thuisblijven. Soms is er niets aan de hand (een lange reis naar familie, een kind dat snel moe is). Soms is het het eerste teken dat een gezin het moeilijk heeft.

Wat we merken:

- Kleuterjuffen kennen de ouders vaak beter dan wie ook, maar voelen zich geen "melders".
- Ouders zien kleuterschool soms als *optioneel*, zeker als ze zelf geen kleuterschool kenden.

We testen nu een korte folder in vijf talen, *"Waarom kleuterschool telt"*, met foto's van een gewone kleuterdag. Heeft iemand gemeten of zoiets effect heeft op aanwezigheid? Of is het vooral het gesprek aan de schoolpoort dat werkt?`,
      replies: [
        {
          author: 'marieke',
          hoursAfterThread: 7,
          body: 'In Gent hebben we het gesprek aan de poort gecombineerd met een folder. De folder alleen deed niets meetbaars. Het gesprek wel, maar alleen als de juf of een vaste medewerker het voert, niet iemand die ouders niet kennen.',
          replies: [
            {
              author: 'pieter',
              hoursAfterThread: 12,
              body: 'Hoe hebben jullie dat gemeten? Aanwezigheden per trimester?',
              replies: [
                {
                  author: 'marieke',
                  hoursAfterThread: 20,
                  body: 'Per trimester, voor de klassen waar we aan de poort stonden en twee klassen waar we dat niet deden. Klein en niet wetenschappelijk, maar het verschil was duidelijk genoeg om door te gaan.',
                },
              ],
            },
          ],
        },
        {
          author: 'hannah',
          hoursAfterThread: 26,
          body: `From a parent's side: in the country where I grew up, preschool was for families who could pay. Nobody told me here that it is where children learn Dutch *before* first grade. If someone had explained it like that, I would have taken it more seriously with my eldest.`,
        },
        {
          author: 'youssef',
          hoursAfterThread: 33,
          body: 'Dat argument ("hier leren ze Nederlands vóór het eerste leerjaar") hoor ik vaker van ouders dan van scholen. Misschien moet het vooraan in de folder staan, Pieter.',
        },
      ],
    },
  ],
}

export const demoCommunities: DemoCommunity[] = [homeshare, familyCentres, schoolAbsence]
