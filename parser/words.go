package parser

// wordID is the vocabulary id of a grammar word: the words the code's
// grammar compares tokens with get the first ids of the vocabulary, in this
// order, so a comparison is one integer comparison.
type wordID int32

const (
	wFollowed wordID = iota
	wBordering
	wS
	wIncluding
	wTally
	wCount
	wNumbers
	wSaw
	wHit
	wFigure
	wFigures
	wMuch
	wFiscal
	wFinancial
	wFy
	wOutgoing
	wProvince
	wRegion
	wState
	wTerritory
	wBecause
	wFull
	wWhole
	wEntire
	wTook
	wPlace
	wOccurred
	wHappened
	wTimes
	wStruck
	wBeginning
	wStart
	wAlone
	wAveraged
	wLost
	wSuffered
	wThough
	wAlthough
	wCorresponding
	wMonth
	wMonths
	wYear
	wYears
	wQuarter
	wQuarters
	wHalf
	wHalves
	wOf
	wThe
	wThis
	wThat
	wLast
	wPast
	wPrevious
	wPreceding
	wCurrent
	wBefore
	wEarlier
	wAgo
	wIn
	wDuring
	wFor
	wOver
	wPeriod
	wBetween
	wAnd
	wTo
	wFrom
	wA
	wAn
	wSame
	wOne
	wCalendar
	wSo
	wFar
	wQ1
	wQ2
	wQ3
	wQ4
	wH1
	wH2
	wWhom
	wThem
	wWhich
	wOut
	wAmong
	wBeing
	wWere
	wWas
	wAre
	wIs
	wHad
	wHave
	wHas
	wBeen
	wGot
	wAlso
	wMore
	wWhile
	wWhereas
	wBut
	wWith
	wEach
	wLevel
	wLevels
	wBy
	wOn
	wAt
	wAcross
	wSince
	wThan
	wAs
	wAfter
	wWhen
	wWho
	wIt
	wFurther
	wAnother
	wFirst
	wSecond
	wThird
	wFourth
	wSix
	wThree
	wNine
	wEleven
	wTwelve
	wUnder
	wThrough
	wTill
	wUntil
	wUp
	wWithin
	wInto
	wOr
	wOther
	wOthers
	wIts
	wTheir
	wAll
	wBoth
	wNumber
	wNumbered
	wTotalled
	wTotaled
	wStood
	wCame
	wPut
	wReached
	wReaching
	wRose
	wFell
	wClimbed
	wDropped
	wStayed
	wRemained
	wWent
	wJumped
	wDeclined
	wSurged
	wIncreased
	wDecreased
	wPeople
	wThey
	wThese
	wThose
	wThere
	wWhere
	wWhat
	wNot
	wNo
	wAny
	wSingle
	wOnly
	wLeast
	wMost
	wMonthly
	wAnnual
	wQuarterly
	wYearly
	wWeeks
	wDays
	wWeek
	wDay
	wDecade
	wOpening
	wClosing
	wFinal
	wLatter
	wFormer
	wThen
	wThus
	wSoFar
	wYearToDate
	wYtd
	wDown
	wAgainst
	wCompared
	wRecorded
	wReported
	wMany
	wSome
	wSeveral
	wErstwhile
	wMerged
	wMostly
	wMainly
	wLargely
	wWorst
	wBest
	wParticularly
	wEspecially
	wStates
	wProvinces
	wDistricts
	wCountries
	wRegions
	wAreas
	wCities
	wCounties
	wLgas
	wWitnessed
	wRegistered
	wExperienced
	wHis
	wHer
	wSustained
	wIncurred
	wAttacked
	wKilled
	wLosing
	wNone
	wThroughout
	wToll
	wTolls
	wTotal
	wWell
	wLeft
	wClaimed
	wRounded
	wIncluded
	wResulted
	wComprised
	wHours
	wHour
	wNext
	wRanked
	wJust
	wMerely
	wSeen
	numGrammarWords
)

// grammarWords spells the grammar words, indexed by wordID.
var grammarWords = [numGrammarWords]string{
	wFollowed:      "followed",
	wBordering:     "bordering",
	wS:             "s",
	wIncluding:     "including",
	wTally:         "tally",
	wCount:         "count",
	wNumbers:       "numbers",
	wSaw:           "saw",
	wHit:           "hit",
	wFigure:        "figure",
	wFigures:       "figures",
	wMuch:          "much",
	wFiscal:        "fiscal",
	wFinancial:     "financial",
	wFy:            "fy",
	wOutgoing:      "outgoing",
	wProvince:      "province",
	wRegion:        "region",
	wState:         "state",
	wTerritory:     "territory",
	wBecause:       "because",
	wFull:          "full",
	wWhole:         "whole",
	wEntire:        "entire",
	wTook:          "took",
	wPlace:         "place",
	wOccurred:      "occurred",
	wHappened:      "happened",
	wTimes:         "times",
	wStruck:        "struck",
	wBeginning:     "beginning",
	wStart:         "start",
	wAlone:         "alone",
	wAveraged:      "averaged",
	wLost:          "lost",
	wSuffered:      "suffered",
	wThough:        "though",
	wAlthough:      "although",
	wCorresponding: "corresponding",
	wMonth:         "month",
	wMonths:        "months",
	wYear:          "year",
	wYears:         "years",
	wQuarter:       "quarter",
	wQuarters:      "quarters",
	wHalf:          "half",
	wHalves:        "halves",
	wOf:            "of",
	wThe:           "the",
	wThis:          "this",
	wThat:          "that",
	wLast:          "last",
	wPast:          "past",
	wPrevious:      "previous",
	wPreceding:     "preceding",
	wCurrent:       "current",
	wBefore:        "before",
	wEarlier:       "earlier",
	wAgo:           "ago",
	wIn:            "in",
	wDuring:        "during",
	wFor:           "for",
	wOver:          "over",
	wPeriod:        "period",
	wBetween:       "between",
	wAnd:           "and",
	wTo:            "to",
	wFrom:          "from",
	wA:             "a",
	wAn:            "an",
	wSame:          "same",
	wOne:           "one",
	wCalendar:      "calendar",
	wSo:            "so",
	wFar:           "far",
	wQ1:            "q1",
	wQ2:            "q2",
	wQ3:            "q3",
	wQ4:            "q4",
	wH1:            "h1",
	wH2:            "h2",
	wWhom:          "whom",
	wThem:          "them",
	wWhich:         "which",
	wOut:           "out",
	wAmong:         "among",
	wBeing:         "being",
	wWere:          "were",
	wWas:           "was",
	wAre:           "are",
	wIs:            "is",
	wHad:           "had",
	wHave:          "have",
	wHas:           "has",
	wBeen:          "been",
	wGot:           "got",
	wAlso:          "also",
	wMore:          "more",
	wWhile:         "while",
	wWhereas:       "whereas",
	wBut:           "but",
	wWith:          "with",
	wEach:          "each",
	wLevel:         "level",
	wLevels:        "levels",
	wBy:            "by",
	wOn:            "on",
	wAt:            "at",
	wAcross:        "across",
	wSince:         "since",
	wThan:          "than",
	wAs:            "as",
	wAfter:         "after",
	wWhen:          "when",
	wWho:           "who",
	wIt:            "it",
	wFurther:       "further",
	wAnother:       "another",
	wFirst:         "first",
	wSecond:        "second",
	wThird:         "third",
	wFourth:        "fourth",
	wSix:           "six",
	wThree:         "three",
	wNine:          "nine",
	wEleven:        "eleven",
	wTwelve:        "twelve",
	wUnder:         "under",
	wThrough:       "through",
	wTill:          "till",
	wUntil:         "until",
	wUp:            "up",
	wWithin:        "within",
	wInto:          "into",
	wOr:            "or",
	wOther:         "other",
	wOthers:        "others",
	wIts:           "its",
	wTheir:         "their",
	wAll:           "all",
	wBoth:          "both",
	wNumber:        "number",
	wNumbered:      "numbered",
	wTotalled:      "totalled",
	wTotaled:       "totaled",
	wStood:         "stood",
	wCame:          "came",
	wPut:           "put",
	wReached:       "reached",
	wReaching:      "reaching",
	wRose:          "rose",
	wFell:          "fell",
	wClimbed:       "climbed",
	wDropped:       "dropped",
	wStayed:        "stayed",
	wRemained:      "remained",
	wWent:          "went",
	wJumped:        "jumped",
	wDeclined:      "declined",
	wSurged:        "surged",
	wIncreased:     "increased",
	wDecreased:     "decreased",
	wPeople:        "people",
	wThey:          "they",
	wThese:         "these",
	wThose:         "those",
	wThere:         "there",
	wWhere:         "where",
	wWhat:          "what",
	wNot:           "not",
	wNo:            "no",
	wAny:           "any",
	wSingle:        "single",
	wOnly:          "only",
	wLeast:         "least",
	wMost:          "most",
	wMonthly:       "monthly",
	wAnnual:        "annual",
	wQuarterly:     "quarterly",
	wYearly:        "yearly",
	wWeeks:         "weeks",
	wDays:          "days",
	wWeek:          "week",
	wDay:           "day",
	wDecade:        "decade",
	wOpening:       "opening",
	wClosing:       "closing",
	wFinal:         "final",
	wLatter:        "latter",
	wFormer:        "former",
	wThen:          "then",
	wThus:          "thus",
	wSoFar:         "so-far",
	wYearToDate:    "year-to-date",
	wYtd:           "ytd",
	wDown:          "down",
	wAgainst:       "against",
	wCompared:      "compared",
	wRecorded:      "recorded",
	wReported:      "reported",
	wMany:          "many",
	wSome:          "some",
	wSeveral:       "several",
	wErstwhile:     "erstwhile",
	wMerged:        "merged",
	wMostly:        "mostly",
	wMainly:        "mainly",
	wLargely:       "largely",
	wWorst:         "worst",
	wBest:          "best",
	wParticularly:  "particularly",
	wEspecially:    "especially",
	wStates:        "states",
	wProvinces:     "provinces",
	wDistricts:     "districts",
	wCountries:     "countries",
	wRegions:       "regions",
	wAreas:         "areas",
	wCities:        "cities",
	wCounties:      "counties",
	wLgas:          "lgas",
	wWitnessed:     "witnessed",
	wRegistered:    "registered",
	wExperienced:   "experienced",
	wHis:           "his",
	wHer:           "her",
	wSustained:     "sustained",
	wIncurred:      "incurred",
	wAttacked:      "attacked",
	wKilled:        "killed",
	wLosing:        "losing",
	wNone:          "none",
	wThroughout:    "throughout",
	wToll:          "toll",
	wTolls:         "tolls",
	wTotal:         "total",
	wWell:          "well",
	wLeft:          "left",
	wClaimed:       "claimed",
	wRounded:       "rounded",
	wIncluded:      "included",
	wResulted:      "resulted",
	wComprised:     "comprised",
	wHours:         "hours",
	wHour:          "hour",
	wNext:          "next",
	wRanked:        "ranked",
	wJust:          "just",
	wMerely:        "merely",
	wSeen:          "seen",
}
