"""The four working groups of 2017-2018, their meetings and their 34 recommendations.

People are named by their role (facilitator, member 3 of the ethics group...), never
invented names. Meeting summaries follow the arc every group went through, from the
kick-off in September 2017 to the hand-over of the recommendations in March 2018.
"""

import datetime

# (year, month) of the seven monthly meetings, September 2017 to March 2018.
MEETING_MONTHS = [(2017, 9), (2017, 10), (2017, 11), (2017, 12), (2018, 1), (2018, 2), (2018, 3)]

PROFILE_CYCLE = [
    "user",
    "client",
    "partner",
    "staff",
    "user",
    "user",
    "client",
    "partner",
    "staff",
    "user",
    "client",
    "user",
]

GROUPS = [
    {
        "slug": "ethique",
        "short": "éthique",
        "title": "Le comité éthique",
        "member_count": 11,
        "weekday": 1,  # Tuesday
        "week": 2,
        "mission": "Définir le cadre, la composition et les missions d'un comité éthique de la coopérative.",
        "focus": "le futur comité éthique",
        "tags": ["éthique", "gouvernance"],
        "stakes": (
            "<p>Les sociétaires souhaitent une instance qui veille à ce que les décisions de la coopérative "
            "restent fidèles à ses valeurs : solidarité, démocratie, transparence. Le groupe doit proposer sa "
            "composition, son mode de désignation, ses missions et la façon dont les sociétaires peuvent le saisir.</p>"
        ),
        "methodology": (
            "<p>Un tour d'horizon des comités existants dans d'autres coopératives et mutuelles, une audition "
            "d'experts, puis la rédaction en sous-groupes d'une charte et des règles de fonctionnement.</p>"
        ),
        "extra_meetings": [
            {
                "date": datetime.date(2017, 11, 23),
                "kind": "hearing",
                "title": "Audition : un comité d'éthique dans une mutuelle de santé",
                "guests": "Présidente du comité d'éthique d'une mutuelle de santé\nChercheur en éthique des organisations",
                "summary": "Les invités ont présenté le fonctionnement de leur comité : saisine, indépendance, avis publics et limites rencontrées.",
                "decisions": "Retenir le principe d'avis publics et d'une saisine ouverte à tout sociétaire.",
                "next_steps": "Comparer trois modes de désignation des membres lors de la réunion de décembre.",
                "tags": ["éthique", "audition"],
            },
            {
                "date": datetime.date(2018, 1, 25),
                "kind": "visit",
                "title": "Visite d'une coopérative d'activités et d'emploi",
                "guests": "Gérant d'une coopérative d'activités et d'emploi\nMembre de son conseil éthique",
                "summary": "Visite et échange sur la manière dont une autre coopérative fait vivre sa charte au quotidien.",
                "decisions": "Prévoir une révision de la charte tous les trois ans.",
                "next_steps": "Intégrer ces enseignements au projet de charte.",
                "tags": ["éthique", "visite", "charte"],
            },
        ],
        "recommendations": [
            (
                "Créer un comité éthique permanent",
                "<p>Créer un comité éthique permanent de neuf sociétaires, indépendant du Conseil d'administration et de la direction.</p>",
                "<p>Une instance permanente donne de la continuité aux avis et protège leur indépendance.</p>",
                ["éthique", "gouvernance"],
            ),
            (
                "Élire les membres du comité en Assemblée générale",
                "<p>Les membres du comité éthique sont élus par l'Assemblée générale pour un mandat de trois ans, renouvelable une fois.</p>",
                "<p>L'élection par l'Assemblée garantit la légitimité du comité auprès de tous les sociétaires.</p>",
                ["gouvernance", "participation"],
            ),
            (
                "Garantir la diversité des profils au sein du comité",
                "<p>Le comité compte au moins un utilisateur, un client, un partenaire et un employé permanent.</p>",
                "<p>Le caractère multi-sociétaire de la coopérative doit se retrouver dans son comité éthique.</p>",
                ["éthique", "participation"],
            ),
            (
                "Rédiger une charte éthique de la coopérative",
                "<p>Le comité rédige, dans sa première année, une charte éthique soumise au vote de l'Assemblée générale.</p>",
                "<p>Une charte écrite rend les valeurs de la coopérative opposables et partagées.</p>",
                ["éthique", "charte"],
            ),
            (
                "Permettre à tout sociétaire de saisir le comité",
                "<p>Tout sociétaire peut saisir le comité éthique par un formulaire simple, y compris de façon confidentielle.</p>",
                "<p>Une saisine ouverte est la condition pour que le comité traite les vraies questions du terrain.</p>",
                ["éthique", "participation"],
            ),
            (
                "Publier un rapport annuel du comité éthique",
                "<p>Le comité publie chaque année un rapport de ses avis, présenté à l'Assemblée générale.</p>",
                "<p>La publication des avis fait de l'éthique un sujet de débat collectif.</p>",
                ["éthique", "transparence"],
            ),
            (
                "Consulter le comité avant tout partenariat stratégique",
                "<p>Le Conseil d'administration consulte le comité avant de conclure un partenariat stratégique.</p>",
                "<p>Les partenariats engagent l'image et les valeurs de la coopérative.</p>",
                ["éthique", "gouvernance"],
            ),
            (
                "Former les membres du comité à la médiation",
                "<p>Les membres du comité suivent une formation à la médiation et à l'analyse éthique dès leur élection.</p>",
                "<p>Traiter des situations délicates demande des outils que tous n'ont pas.</p>",
                ["éthique", "formation"],
            ),
            (
                "Protéger les personnes qui signalent un manquement",
                "<p>Garantir la confidentialité et l'absence de représailles pour toute personne qui signale de bonne foi un manquement aux valeurs de la coopérative.</p>",
                "<p>Sans protection, les signalements n'arrivent pas jusqu'au comité.</p>",
                ["éthique", "gouvernance"],
            ),
        ],
    },
    {
        "slug": "representation",
        "short": "représentation",
        "title": "La représentation de Smart",
        "member_count": 10,
        "weekday": 3,  # Thursday
        "week": 2,
        "mission": "Définir les missions de représentation de Smart, étendues aux utilisateurs et aux partenaires.",
        "focus": "les missions de représentation",
        "tags": ["représentation", "gouvernance"],
        "stakes": (
            "<p>Smart représente ses sociétaires auprès des pouvoirs publics, des fédérations et des partenaires "
            "sociaux. Les sociétaires demandent que cette représentation soit mandatée, partagée avec les "
            "utilisateurs et les partenaires, et qu'elle rende des comptes.</p>"
        ),
        "methodology": (
            "<p>Un inventaire des lieux où Smart est représentée, l'audition d'une fédération, puis la "
            "définition d'un cadre de mandat et de compte rendu.</p>"
        ),
        "extra_meetings": [
            {
                "date": datetime.date(2017, 12, 7),
                "kind": "hearing",
                "title": "Audition : représenter les travailleurs autonomes",
                "guests": "Juriste d'une fédération de travailleurs autonomes",
                "summary": "L'invitée a expliqué comment sa fédération mandate ses représentants et leur demande de rendre compte.",
                "decisions": "Retenir le principe d'un mandat écrit pour chaque représentation.",
                "next_steps": "Rédiger un modèle de mandat pour la réunion de janvier.",
                "tags": ["représentation", "audition"],
            },
            {
                "date": datetime.date(2018, 2, 1),
                "kind": "visit",
                "title": "Visite d'une fédération d'entreprises d'économie sociale",
                "guests": "Secrétaire générale d'une fédération d'entreprises d'économie sociale",
                "summary": "Découverte du fonctionnement d'une fédération et de la place qu'y occupent les coopératives.",
                "decisions": "Proposer un vivier de sociétaires représentants.",
                "next_steps": "Préciser les critères du vivier.",
                "tags": ["représentation", "visite"],
            },
        ],
        "recommendations": [
            (
                "Définir un mandat écrit pour chaque représentation",
                "<p>Chaque représentation externe fait l'objet d'un mandat écrit : objectifs, durée, limites de la parole engagée.</p>",
                "<p>Un mandat clair protège les représentants et la coopérative.</p>",
                ["représentation", "gouvernance"],
            ),
            (
                "Associer un utilisateur et un partenaire à chaque délégation",
                "<p>Les délégations de Smart comptent, lorsque c'est possible, un utilisateur et un partenaire.</p>",
                "<p>La représentation doit refléter la diversité des sociétaires.</p>",
                ["représentation", "participation"],
            ),
            (
                "Rendre compte des représentations chaque trimestre",
                "<p>Une lettre trimestrielle rend compte aux sociétaires des représentations menées et de leurs résultats.</p>",
                "<p>Les sociétaires doivent savoir ce qui est dit en leur nom.</p>",
                ["représentation", "communication", "transparence"],
            ),
            (
                "Constituer un vivier de sociétaires représentants",
                "<p>Constituer un vivier de sociétaires volontaires, formés et disponibles pour représenter la coopérative.</p>",
                "<p>La représentation ne doit pas reposer sur quelques personnes.</p>",
                ["représentation", "participation"],
            ),
            (
                "Former les représentants",
                "<p>Les représentants reçoivent une formation sur les dossiers et la prise de parole publique.</p>",
                "<p>Une représentation efficace suppose une bonne maîtrise des sujets.</p>",
                ["représentation", "formation"],
            ),
            (
                "Porter la situation des travailleurs intermittents",
                "<p>Faire de la situation sociale des travailleurs intermittents une priorité de représentation auprès des pouvoirs publics.</p>",
                "<p>C'est la préoccupation la plus souvent citée par les utilisateurs.</p>",
                ["représentation"],
            ),
            (
                "Consulter les sociétaires avant toute prise de position publique",
                "<p>Toute prise de position publique importante est précédée d'une consultation des sociétaires.</p>",
                "<p>La coopérative parle au nom de ses membres ; elle doit les entendre avant.</p>",
                ["représentation", "participation"],
            ),
            (
                "Évaluer chaque année la politique de représentation",
                "<p>Le Conseil d'administration présente chaque année à l'Assemblée une évaluation de la politique de représentation.</p>",
                "<p>L'évaluation permet d'ajuster les priorités.</p>",
                ["représentation", "gouvernance"],
            ),
        ],
    },
    {
        "slug": "informatique",
        "short": "informatique",
        "title": "Les outils informatiques",
        "member_count": 12,
        "weekday": 1,  # Tuesday
        "week": 3,
        "mission": "Proposer des lieux de consultation et de réflexion sur les outils informatiques mis à la disposition des utilisateurs.",
        "focus": "les outils informatiques",
        "tags": ["outils numériques"],
        "stakes": (
            "<p>Les utilisateurs passent par les outils en ligne de la coopérative pour leurs contrats, leurs "
            "factures et leurs déclarations. Ils demandent d'être consultés sur leur évolution, d'être formés et "
            "que leurs données soient protégées.</p>"
        ),
        "methodology": (
            "<p>Des ateliers d'usage avec des utilisateurs de tous profils, deux auditions d'experts et la visite "
            "d'un tiers-lieu numérique, puis la rédaction de recommandations classées par priorité.</p>"
        ),
        "extra_meetings": [
            {
                "date": datetime.date(2017, 10, 26),
                "kind": "hearing",
                "title": "Audition : logiciels libres et coopératives",
                "guests": "Développeur d'une coopérative de logiciels libres",
                "summary": "Présentation des avantages et des coûts des logiciels libres pour une coopérative.",
                "decisions": "Retenir la préférence pour les formats ouverts.",
                "next_steps": "Recenser les outils actuels et leurs formats.",
                "tags": ["outils numériques", "audition"],
            },
            {
                "date": datetime.date(2017, 12, 14),
                "kind": "hearing",
                "title": "Audition : protéger les données personnelles",
                "guests": "Délégué à la protection des données d'une mutuelle",
                "summary": "Les obligations du règlement général sur la protection des données et leurs effets concrets sur les outils.",
                "decisions": "Inscrire la protection des données parmi les recommandations prioritaires.",
                "next_steps": "Demander à l'équipe informatique l'inventaire des données collectées.",
                "tags": ["données personnelles", "audition"],
            },
            {
                "date": datetime.date(2018, 2, 8),
                "kind": "visit",
                "title": "Visite d'un tiers-lieu numérique",
                "guests": "Coordinatrice d'un tiers-lieu numérique",
                "summary": "Découverte d'ateliers de formation aux outils numériques ouverts à tous.",
                "decisions": "Proposer des formations dans chaque antenne.",
                "next_steps": "Chiffrer les formations avec l'équipe.",
                "tags": ["outils numériques", "visite", "formation"],
            },
        ],
        "recommendations": [
            (
                "Créer un comité des utilisateurs des outils numériques",
                "<p>Créer un comité d'utilisateurs consulté avant chaque évolution importante des outils.</p>",
                "<p>Les personnes qui utilisent les outils au quotidien savent ce qui les aide.</p>",
                ["outils numériques", "participation"],
            ),
            (
                "Tester chaque nouvel outil avec un panel d'utilisateurs",
                "<p>Aucun nouvel outil n'est mis en service sans avoir été testé par un panel d'utilisateurs de profils variés.</p>",
                "<p>Les tests évitent des mises en service douloureuses.</p>",
                ["outils numériques"],
            ),
            (
                "Publier une feuille de route des outils",
                "<p>Publier sur l'intranet une feuille de route des outils, mise à jour chaque trimestre.</p>",
                "<p>Savoir ce qui arrive permet de s'y préparer.</p>",
                ["outils numériques", "transparence"],
            ),
            (
                "Privilégier les logiciels libres et les formats ouverts",
                "<p>À qualité égale, la coopérative choisit des logiciels libres et des formats ouverts.</p>",
                "<p>C'est cohérent avec ses valeurs et réduit sa dépendance à des fournisseurs.</p>",
                ["outils numériques", "éthique"],
            ),
            (
                "Garantir l'accessibilité des outils",
                "<p>Les outils respectent les règles d'accessibilité et fonctionnent sur téléphone.</p>",
                "<p>Aucun sociétaire ne doit être exclu des outils de sa coopérative.</p>",
                ["outils numériques", "accessibilité"],
            ),
            (
                "Renforcer la protection des données personnelles",
                "<p>Nommer un délégué à la protection des données et publier la liste des données collectées et de leurs usages.</p>",
                "<p>La confiance des sociétaires repose sur le respect de leurs données.</p>",
                ["données personnelles", "transparence"],
            ),
            (
                "Former aux outils dans chaque antenne",
                "<p>Proposer des formations régulières aux outils dans chaque antenne, ouvertes à tous les sociétaires.</p>",
                "<p>Tout le monde n'a pas la même aisance avec le numérique.</p>",
                ["outils numériques", "formation"],
            ),
            (
                "Ouvrir un canal de signalement des problèmes",
                "<p>Ouvrir un canal où chaque sociétaire signale un problème et suit publiquement sa résolution.</p>",
                "<p>Un suivi visible montre que les signalements sont pris en compte.</p>",
                ["outils numériques", "communication"],
            ),
            (
                "Mesurer chaque année la satisfaction des utilisateurs",
                "<p>Une enquête annuelle mesure la satisfaction des utilisateurs ; ses résultats sont publiés.</p>",
                "<p>Mesurer permet de savoir si les efforts portent leurs fruits.</p>",
                ["outils numériques", "participation"],
            ),
        ],
    },
    {
        "slug": "finances",
        "short": "finances",
        "title": "Les outils financiers et économiques",
        "member_count": 10,
        "weekday": 3,  # Thursday
        "week": 3,
        "mission": "Faciliter l'accès aux informations financières et économiques de la coopérative, en toute transparence.",
        "focus": "l'information financière et économique",
        "tags": ["finances", "transparence"],
        "stakes": (
            "<p>Les sociétaires sont copropriétaires de la coopérative mais peu d'entre eux lisent ses comptes. "
            "Le groupe doit proposer des moyens de rendre l'information financière accessible, compréhensible "
            "et discutée.</p>"
        ),
        "methodology": (
            "<p>Une lecture commune des comptes annuels avec un réviseur, la visite d'une banque coopérative, "
            "puis l'écriture de recommandations testées auprès de sociétaires qui ne sont pas du groupe.</p>"
        ),
        "extra_meetings": [
            {
                "date": datetime.date(2017, 11, 30),
                "kind": "hearing",
                "title": "Audition : lire les comptes annuels d'une coopérative",
                "guests": "Réviseur d'entreprises\nDirecteur financier de la coopérative",
                "summary": "Lecture commentée du bilan et du compte de résultats ; ce qu'un sociétaire doit savoir regarder.",
                "decisions": "Demander une version commentée des comptes pour tous les sociétaires.",
                "next_steps": "Proposer une maquette de tableau de bord.",
                "tags": ["finances", "audition", "formation"],
            },
            {
                "date": datetime.date(2018, 1, 11),
                "kind": "visit",
                "title": "Visite d'une banque coopérative",
                "guests": "Responsable de la relation aux sociétaires d'une banque coopérative",
                "summary": "Présentation de la manière dont une banque coopérative associe ses sociétaires à ses choix d'investissement.",
                "decisions": "Retenir l'idée d'une consultation sur les investissements majeurs.",
                "next_steps": "Définir le seuil d'un investissement majeur.",
                "tags": ["finances", "visite", "participation"],
            },
        ],
        "recommendations": [
            (
                "Publier des comptes annuels lisibles par tous",
                "<p>Accompagner les comptes annuels d'une version commentée, en langage courant, publiée sur l'intranet.</p>",
                "<p>Les comptes ne servent à rien s'ils ne sont pas compris.</p>",
                ["finances", "transparence"],
            ),
            (
                "Présenter le budget prévisionnel avant son adoption",
                "<p>Le budget prévisionnel est présenté aux sociétaires, qui peuvent poser leurs questions avant son adoption.</p>",
                "<p>Les sociétaires doivent pouvoir peser sur les choix avant qu'ils soient faits.</p>",
                ["finances", "participation"],
            ),
            (
                "Créer un tableau de bord financier trimestriel",
                "<p>Publier chaque trimestre sur l'intranet un tableau de bord de quelques indicateurs financiers clés.</p>",
                "<p>Un suivi régulier évite les surprises de fin d'année.</p>",
                ["finances", "transparence"],
            ),
            (
                "Expliquer la formation des frais de gestion",
                "<p>Expliquer en détail comment est calculé le pourcentage de frais de gestion et à quoi il sert.</p>",
                "<p>C'est la question financière la plus posée par les utilisateurs.</p>",
                ["finances", "transparence"],
            ),
            (
                "Organiser des ateliers « Lire les comptes de la coopérative »",
                "<p>Organiser chaque année des ateliers ouverts à tous pour apprendre à lire les comptes de la coopérative.</p>",
                "<p>La transparence passe aussi par la formation.</p>",
                ["finances", "formation"],
            ),
            (
                "Mettre en place un comité d'audit ouvert aux sociétaires",
                "<p>Créer un comité d'audit comprenant des sociétaires élus, qui rend compte à l'Assemblée générale.</p>",
                "<p>Un regard extérieur à la direction renforce la confiance.</p>",
                ["finances", "gouvernance"],
            ),
            (
                "Rendre compte de l'usage des parts sociales",
                "<p>Indiquer chaque année à quoi ont servi les fonds apportés par les parts sociales.</p>",
                "<p>Les sociétaires qui investissent veulent savoir ce que devient leur apport.</p>",
                ["finances", "transparence"],
            ),
            (
                "Associer les sociétaires aux choix d'investissement majeurs",
                "<p>Consulter les sociétaires avant tout investissement dépassant un seuil fixé par l'Assemblée générale.</p>",
                "<p>Les grands choix engagent la coopérative sur plusieurs années.</p>",
                ["finances", "participation", "gouvernance"],
            ),
        ],
    },
]

# The arc of the seven monthly meetings; {focus} is the group's subject.
MONTHLY_ARC = [
    {
        "title": "Réunion de lancement",
        "summary": "Présentation des membres et du mandat voté par l'Assemblée générale sur {focus}. Le groupe a choisi sa méthode et son calendrier.",
        "decisions": "Se réunir une fois par mois jusqu'en mars 2018 ; désigner un·e secrétaire de séance à tour de rôle.",
        "next_steps": "Rassembler la documentation existante avant la prochaine réunion.",
        "tags": ["lancement"],
    },
    {
        "title": "État des lieux",
        "summary": "Le groupe a dressé l'état des lieux de ce qui existe aujourd'hui dans la coopérative concernant {focus}, à partir des contributions des membres.",
        "decisions": "Retenir cinq constats principaux pour orienter le travail.",
        "next_steps": "Préparer les auditions d'experts.",
        "tags": [],
    },
    {
        "title": "Analyse des pratiques d'autres organisations",
        "summary": "Mise en commun des pratiques d'autres coopératives et organisations sur {focus}, et de ce que le groupe en retient.",
        "decisions": "Garder trois modèles à approfondir.",
        "next_steps": "Confronter ces modèles aux besoins des différents profils de sociétaires.",
        "tags": [],
    },
    {
        "title": "Premières pistes de recommandations",
        "summary": "Chaque sous-groupe a présenté ses premières pistes sur {focus} ; le groupe en a discuté la faisabilité.",
        "decisions": "Regrouper les pistes en thèmes et confier chaque thème à un binôme.",
        "next_steps": "Rédiger une première version des recommandations.",
        "tags": ["recommandations"],
    },
    {
        "title": "Rédaction des recommandations (première lecture)",
        "summary": "Première lecture des recommandations rédigées par les binômes sur {focus}.",
        "decisions": "Amender les textes selon les remarques ; supprimer les doublons.",
        "next_steps": "Soumettre les textes à des sociétaires extérieurs au groupe.",
        "tags": ["recommandations"],
    },
    {
        "title": "Rédaction des recommandations (seconde lecture)",
        "summary": "Seconde lecture, à la lumière des retours de sociétaires extérieurs au groupe, des recommandations sur {focus}.",
        "decisions": "Arrêter la liste des recommandations et leur justification.",
        "next_steps": "Préparer la présentation au Conseil d'administration.",
        "tags": ["recommandations"],
    },
    {
        "title": "Validation finale des recommandations",
        "summary": "Validation finale des recommandations sur {focus}, remises au Conseil d'administration le 22 mars 2018.",
        "decisions": "Adopter les recommandations à l'unanimité des membres présents.",
        "next_steps": "Présentation au Conseil d'administration le 22 mars 2018, puis à l'Assemblée générale du 19 juin 2018.",
        "tags": ["recommandations"],
    },
]


def nth_weekday(year, month, weekday, week):
    """The ``week``-th ``weekday`` (Monday is 0) of a month."""
    first = datetime.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + datetime.timedelta(days=offset + 7 * (week - 1))


def monthly_meetings(group):
    meetings = []
    for number, ((year, month), arc) in enumerate(zip(MEETING_MONTHS, MONTHLY_ARC, strict=True), start=1):
        date = nth_weekday(year, month, group["weekday"], group["week"])
        meetings.append(
            {
                "date": date,
                "kind": "monthly",
                "title": f"Réunion {number} – {arc['title']}",
                "guests": "",
                "summary": arc["summary"].format(focus=group["focus"]),
                "decisions": arc["decisions"],
                "next_steps": arc["next_steps"],
                "tags": group["tags"] + arc["tags"],
            }
        )
    return meetings


def all_meetings(group):
    return sorted(monthly_meetings(group) + group["extra_meetings"], key=lambda meeting: meeting["date"])
