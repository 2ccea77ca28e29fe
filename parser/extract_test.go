package parser

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// fig formats a figure as "period metric category region value qualifier".
func fig(f Figure) string {
	return fmt.Sprintf("%s %s %s %s %d %s", f.Period, f.Metric, f.Category, f.Region, f.Value, f.Qualifier)
}

type extractCase struct {
	name      string
	text      string
	published string
	country   string
	publisher string
	want      []string
}

func runCases(t *testing.T, cases []extractCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pub, err := time.Parse("2006-01-02", c.published)
			if err != nil {
				t.Fatalf("bad published %q", c.published)
			}
			country := c.country
			if country == "" {
				country = "PK"
			}
			var got []string
			for _, f := range Extract(c.text, Context{Published: pub, Country: country, Publisher: c.publisher}) {
				got = append(got, fig(f))
			}
			want := append([]string(nil), c.want...)
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("text: %s\ngot:\n  %s\nwant:\n  %s", c.text, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

func TestNumbers(t *testing.T) {
	runCases(t, []extractCase{
		{name: "digits with separators", published: "2023-10-03",
			text: "In September 2023, militants carried out 1,204 attacks across the country.",
			want: []string{"2023-09 attacks all PK 1204 exact"}},
		{name: "number words", published: "2023-10-03",
			text: "In September, militants carried out forty-four attacks that killed one hundred and thirty people.",
			want: []string{"2023-09 attacks all PK 44 exact", "2023-09 deaths all PK 130 exact"}},
		{name: "a single and a dozen", published: "2023-10-03",
			text: "In September, Sindh saw a single attack while Punjab saw a dozen attacks.",
			want: []string{"2023-09 attacks all PK-SD 1 exact", "2023-09 attacks all PK-PB 12 exact"}},
		{name: "the same number", published: "2023-10-03",
			text: "In September, two attacks in Sindh killed nine people and injured the same number.",
			want: []string{"2023-09 attacks all PK-SD 2 exact", "2023-09 deaths all PK-SD 9 exact", "2023-09 injuries all PK-SD 9 exact"}},
		{name: "out of", published: "2019-08-01",
			text: "In July 2019 security forces bore most of the deaths, with 24 out of 38 being security forces personnel.",
			want: []string{"2019-07 deaths security_forces PK 24 exact", "2019-07 deaths all PK 38 exact"}},
		{name: "including breakdown", published: "2024-10-05",
			text: "In September 2024, the attacks caused 54 deaths, including 29 security personnel, 16 civilians and nine militants.",
			want: []string{"2024-09 deaths all PK 54 exact", "2024-09 deaths security_forces PK 29 exact", "2024-09 deaths civilians PK 16 exact", "2024-09 deaths militants PK 9 exact"}},
	})
}

func TestPeriods(t *testing.T) {
	runCases(t, []extractCase{
		{name: "a bare fiscal year and the year of a fiscal report", published: "2020-07-09",
			text: "Police in Sindh arrested 610 suspects in fiscal year 2019-20, against 575 in 2018-19. Eleven policemen were killed during the year.",
			want: []string{"2019-07/2020-06 arrests all PK-SD 610 exact", "2018-07/2019-06 arrests all PK-SD 575 exact",
				"2019-07/2020-06 deaths security_forces PK-SD 11 exact"}},
		{name: "since a month of the year before, from a statement on New Year's Day", published: "2016-01-01", country: "IN",
			text: "Police said on Friday that since an offensive was launched in the hills in June, troops have killed 18 militants.",
			want: []string{"2015-06/2015-12 deaths militants IN 18 exact"}},
		{name: "an abbreviated month with its dot before the day", published: "2019-10-02", country: "AF",
			text: "Taliban fighters carried out 410 attacks in September, the month of the vote on Sept. 28.",
			want: []string{"2019-09 attacks all AF 410 exact"}},
		{name: "a range of days is the months they fall in", published: "2014-07-10", country: "AF",
			text: "UNAMA documented 4,853 civilian casualties between January 1 and June 30, with 1,564 killed, and 70 more from July 1 to July 9.",
			want: []string{"2014-H1 casualties civilians AF 4853 exact", "2014-H1 deaths civilians AF 1564 exact", "2014-07 casualties civilians AF 70 exact"}},
		{name: "a range of days from a year named relatively", published: "2022-07-20", country: "AF",
			text: "UNAMA documented 2,106 civilian casualties between August 15 last year and June 15, including 700 people killed.",
			want: []string{"2021-08/2022-06 casualties civilians AF 2106 exact", "2021-08/2022-06 deaths civilians AF 700 exact"}},
		{name: "since an event named by a noun, to date", published: "2025-01-02", country: "IN",
			text: "More than 720 militants have been killed in Jammu and Kashmir since the abrogation of Article 370 in August 2019.",
			want: []string{"2019-08/2025-01 deaths militants IN-JK 720 at_least"}},
		{name: "the current fiscal year is the running one, and a list of counts shares the range after it", published: "2011-11-16",
			text: "In fiscal year 2010-11, 1,900 attacks were recorded. The situation improved in the current fiscal year, with 412 incidents, 611 deaths and 1,204 injuries recorded from July to October.",
			want: []string{"2010-07/2011-06 attacks all PK 1900 exact", "2011-07/2011-10 attacks all PK 412 exact", "2011-07/2011-10 deaths all PK 611 exact", "2011-07/2011-10 injuries all PK 1204 exact"}},
		{name: "since a deal was signed on a day; a country named in passing after 'with the'", published: "2020-07-21", country: "AF",
			text: "Insurgents have carried out 4,512 attacks since the Taliban signed a deal with the United States on Feb. 29, the council said.",
			want: []string{"2020-02/2020-07 attacks all AF 4512 exact"}},
		{name: "the split of a casualties total keeps its category", published: "2020-07-21", country: "AF",
			text: "UNAMA documented 1,293 civilian casualties in the first quarter - 533 killed and 760 injured.",
			want: []string{"2020-Q1 deaths civilians AF 533 exact", "2020-Q1 injuries civilians AF 760 exact"}},
		{name: "a range of months in a year named relatively", published: "2021-06-14", country: "NG",
			text: "Bandits killed 372 people between January and May this year, and 298 between January and May last year.",
			want: []string{"2021-01/2021-05 deaths all NG 372 exact", "2020-01/2020-05 deaths all NG 298 exact"}},
		{name: "since an event on a day, to date", published: "2022-09-20", country: "NG",
			text: "Police have arrested 212 suspects in Kaduna since the curfew took effect on March 4, 2021, and 9,000 people remain displaced.",
			want: []string{"2021-03/2022-09 arrests all NG-KD 212 exact"}},
		{name: "a quarter of the fiscal year", published: "2019-10-20",
			text: "Sindh recorded 31 attacks in the first quarter of the current fiscal year, against 40 in the same quarter a year earlier.",
			want: []string{"2019-Q3 attacks all PK-SD 31 exact", "2018-Q3 attacks all PK-SD 40 exact"}},
		{name: "a fiscal year naming a report is no period of events", published: "2020-10-14", country: "IN",
			text: "Maoist violence killed 202 people in 2019, according to the ministry's annual report for 2019-20.",
			want: []string{"2019 deaths all IN 202 exact"}},
		{name: "month without year takes the publication year", published: "2024-03-02",
			text: "In February, militants carried out 97 attacks.",
			want: []string{"2024-02 attacks all PK 97 exact"}},
		{name: "month after publication month is last year", published: "2024-01-03",
			text: "In December, militants carried out 61 attacks.",
			want: []string{"2023-12 attacks all PK 61 exact"}},
		{name: "last month", published: "2025-11-01",
			text: "Militants kidnapped 55 people last month.",
			want: []string{"2025-10 abductions all PK 55 exact"}},
		{name: "ordinal month of the year", published: "2019-08-01",
			text: "In the 7th month of the year there were 12 militant attacks.",
			want: []string{"2019-07 attacks all PK 12 exact"}},
		{name: "quarter", published: "2025-10-02",
			text: "Violence left 901 people dead in the third quarter of 2025.",
			want: []string{"2025-Q3 deaths all PK 901 exact"}},
		{name: "half year", published: "2023-07-03",
			text: "The first half of 2022 saw 151 attacks.",
			want: []string{"2022-H1 attacks all PK 151 exact"}},
		{name: "first eleven months is a range", published: "2023-12-02",
			text: "In the first eleven months of 2023, militants carried out 599 attacks.",
			want: []string{"2023-01/2023-11 attacks all PK 599 exact"}},
		{name: "between months of a quarter", published: "2016-10-29",
			text: "Some 651 people were killed between July and September 2016.",
			want: []string{"2016-Q3 deaths all PK 651 approx"}},
		{name: "comparison against", published: "2018-12-03",
			text: "In November militants carried out 21 attacks against 24 in October.",
			want: []string{"2018-11 attacks all PK 21 exact", "2018-10 attacks all PK 24 exact"}},
		{name: "rising from to", published: "2025-11-01",
			text: "Militant attacks rose by 29pc, from 69 in September to 89 in October.",
			want: []string{"2025-09 attacks all PK 69 exact", "2025-10 attacks all PK 89 exact"}},
		{name: "previous month", published: "2024-10-05",
			text: "The attacks in September 2024 caused 54 deaths, against 84 the previous month.",
			want: []string{"2024-09 deaths all PK 54 exact", "2024-08 deaths all PK 84 exact"}},
		{name: "past period with its count", published: "2025-12-29",
			text: "Deaths in 2025 reached 3,387, up from 1,950 in 2024.",
			want: []string{"2025 deaths all PK 3387 exact", "2024 deaths all PK 1950 exact"}},
		{name: "over the first half is a duration", published: "2021-07-03",
			text: "The report said that over the first half of the year the institute had recorded 97 attacks, which killed 180 people.",
			want: []string{"2021-H1 attacks all PK 97 exact", "2021-H1 deaths all PK 180 exact"}},
		{name: "range of days, abbreviated and relative", published: "2024-07-09", country: "AF",
			text: "Over the period from Sept. 1, 2022, to June 15 this year, the monitors counted 812 civilians killed.",
			want: []string{"2022-09/2024-06 deaths civilians AF 812 exact"}},
		{name: "range of days, day first", published: "2024-07-09", country: "AF",
			text: "Between 1 March 2023 and 31 January 2024, the monitors counted 97 attacks.",
			want: []string{"2023-03/2024-01 attacks all AF 97 exact"}},
		{name: "to date from the start of a named year", published: "2022-08-17", country: "IN",
			text: "Police said on Tuesday that 23 security men had been killed since the start of 2022.",
			want: []string{"2022-01/2022-08 deaths security_forces IN 23 exact"}},
		{name: "to date since an event broke out", published: "2023-09-15", country: "IN",
			text: "Some 175 people have been killed in Manipur since the clashes broke out on May 3, police said on Thursday, while 32 persons are still missing.",
			want: []string{"2023-05/2023-09 deaths all IN-MN 175 approx"}},
		{name: "to date since an event, in the province named before a foreign country", published: "2023-02-01",
			text: "Police in Khyber Pakhtunkhwa, the province bordering Afghanistan, said on Wednesday that more than 130 of their officers had been killed there since the Pakistani Taliban called off a ceasefire on Nov. 28.",
			want: []string{"2022-11/2023-01 deaths security_forces PK-KP 130 at_least"}},
		{name: "to date stays a range when it spans a half", published: "2022-07-20",
			text: "Since January, 388 people have lost their lives in the province of Balochistan.",
			want: []string{"2022-01/2022-07 deaths all PK-BA 388 exact"}},
		{name: "to date up to the statement's month", published: "2022-07-01",
			text: "Since January, 388 people have lost their lives in Balochistan, officials said.",
			want: []string{"2022-01/2022-06 deaths all PK-BA 388 exact"}},
	})
}

func TestRegions(t *testing.T) {
	runCases(t, []extractCase{
		{name: "spellings of Khyber Pakhtunkhwa", published: "2020-02-02",
			text: "In January 2020, KPK saw 5 attacks, K-P 4 more, and Khyber Pakhtunkhwa's police lost 3 officers.",
			want: []string{"2020-01 attacks all PK-KP 5 exact", "2020-01 attacks all PK-KP 4 exact", "2020-01 deaths security_forces PK-KP 3 exact"}},
		{name: "Baluchistan spelling", published: "2016-01-01",
			text: "Baluchistan recorded 280 attacks in 2015.",
			want: []string{"2015 attacks all PK-BA 280 exact"}},
		{name: "former FATA reported apart", published: "2019-08-01",
			text: "In July 2019, in the former FATA region, 4 militant attacks killed 7 security force personnel.",
			want: []string{"2019-07 attacks all PK-TA 4 exact", "2019-07 deaths security_forces PK-TA 7 exact"}},
		{name: "there refers back", published: "2024-03-02",
			text: "Balochistan saw 57 attacks in February 2024. January had seen 33 attacks there.",
			want: []string{"2024-02 attacks all PK-BA 57 exact", "2024-01 attacks all PK-BA 33 exact"}},
		{name: "district figures are not reported", published: "2024-03-02",
			text: "In February 2024, militants killed 12 people in Karachi.",
			want: nil},
		{name: "other countries' gazetteers", published: "2023-05-03", country: "NG",
			text: "In April 2023, bandits killed 120 people in Zamfara and insurgents killed 45 in Borno.",
			want: []string{"2023-04 deaths all NG-ZA 120 exact", "2023-04 deaths all NG-BO 45 exact"}},
		{name: "a force named after another state", published: "2019-01-02", country: "IN",
			text: "Violence in Manipur killed 37 people in 2018, among them 9 Assam Rifles troopers. The state also saw 21 people wounded.",
			want: []string{"2018 deaths all IN-MN 37 exact", "2018 deaths security_forces IN-MN 9 exact", "2018 injuries all IN-MN 21 exact"}},
		{name: "a place excluded after its", published: "2024-02-03",
			text: "In January, Khyber Pakhtunkhwa, excluding its merged tribal districts, saw 21 attacks.",
			want: []string{"2024-01 attacks all PK-KP 21 exact"}},
		{name: "the place of a count past an aside on its parts", published: "2024-02-03",
			text: "In January, 27 people, among them six children, were abducted by gunmen in Sindh.",
			want: []string{"2024-01 abductions all PK-SD 27 exact"}},
		{name: "the state is not the city named before", published: "2018-05-06", country: "NG",
			text: "Herders and farmers clashed again in Benue State. Speaking in Makurdi, the governor said the state had recorded 46 attacks in April.",
			want: []string{"2018-04 attacks all NG-BE 46 exact"}},
		{name: "a dateline with the agency in brackets", published: "2012-05-06", country: "AF",
			text: "KUNDUZ (AIP): Militants killed 23 policemen in Kunduz province in April, officials said.",
			want: []string{"2012-04 deaths security_forces AF-KDZ 23 exact"}},
		{name: "a provincial text naming another province in passing", published: "2011-06-12",
			text: "PESHAWAR: Khyber Pakhtunkhwa suffered 571 attacks between July 2010 and May 2011. The province had recorded 1,003 attacks in fiscal year 2009-10, as violence spilled over from the tribal areas. Police arrested 2,406 suspects during the eleven months.",
			want: []string{"2010-07/2011-05 attacks all PK-KP 571 exact", "2009-07/2010-06 attacks all PK-KP 1003 exact", "2010-07/2011-05 arrests all PK-KP 2406 exact"}},
		{name: "the country of a dateline and of a possessive is no scope", published: "2019-10-05", country: "NG",
			text: "MAIDUGURI, Nigeria (AP) — Extremists killed 374 civilians in Nigeria's Borno state in the first nine months of the year. More than 190 troops were also killed.",
			want: []string{"2019-01/2019-09 deaths civilians NG-BO 374 exact", "2019-01/2019-09 deaths security_forces NG-BO 190 at_least"}},
		{name: "a place overtaken is compared, not the scope", published: "2017-01-05",
			text: "In 2016, Balochistan overtook Fata as the worst-hit region, with 151 attacks.",
			want: []string{"2016 attacks all PK-BA 151 exact"}},
		{name: "a place named as history is no scope", published: "2017-07-20", country: "IN",
			text: "Police killed 135 Maoists in Chhattisgarh in 2016, the most since the state was carved out of Madhya Pradesh in 2000. The state also saw 395 incidents, and nearly 70,000 paramilitary personnel are deployed there.",
			want: []string{"2016 deaths militants IN-CG 135 exact", "2016 attacks all IN-CG 395 exact"}},
		{name: "the place of a statement is no scope", published: "2024-01-08", country: "NG",
			text: "Gunmen killed 640 people in Benue State in 2023. The review, released in Abuja on Sunday, counted 210 attacks across the state.",
			want: []string{"2023 deaths all NG-BE 640 exact", "2023 attacks all NG-BE 210 exact"}},
		{name: "a name that is a state and a country", published: "2021-04-03", country: "NG",
			text: "Deaths from banditry and communal attacks put Niger at 141 in March. Troops from Chad and Niger killed 40 insurgents in Borno.",
			want: []string{"2021-03 deaths all NG-NI 141 exact", "2021-03 deaths militants NG-BO 40 exact"}},
		{name: "a ranking of places goes on from the sentence before", published: "2014-07-06",
			text: "In the second quarter, the tribal areas bore the brunt with 702 fatalities. Khyber Pakhtunkhwa came next with 198, and Sindh, where most of the violence was in Karachi, with 187. Punjab was third with 29.",
			want: []string{"2014-Q2 deaths all PK-TA 702 exact", "2014-Q2 deaths all PK-KP 198 exact", "2014-Q2 deaths all PK-SD 187 exact", "2014-Q2 deaths all PK-PB 29 exact"}},
		{name: "places heading counts take the kind of a verb's count before", published: "2022-10-12", country: "NG",
			text: "In the third quarter, 412 people were abducted in Zamfara, while Kaduna and Niger states recorded 298 and 187 respectively. Katsina followed with 143.",
			want: []string{"2022-Q3 abductions all NG-ZA 412 exact", "2022-Q3 abductions all NG-KD 298 exact", "2022-Q3 abductions all NG-NI 187 exact", "2022-Q3 abductions all NG-KT 143 exact"}},
		{name: "respectively with the periods listed after the counts", published: "2019-01-05",
			text: "Injuries followed a similar curve: 1,320, 2,170 and 2,290 people were wounded in 2018, 2017 and 2016 respectively.",
			want: []string{"2018 injuries all PK 1320 exact", "2017 injuries all PK 2170 exact", "2016 injuries all PK 2290 exact"}},
		{name: "a list of kinds before the noun; a place named like a kind of place", published: "2010-01-11",
			text: "In 2009, 2,586 terrorist, insurgent and sectarian attacks were carried out; the worst hit was NWFP with 1,137, followed by Balochistan with 792 and the tribal areas with 559.",
			want: []string{"2009 attacks all PK 2586 exact", "2009 attacks all PK-KP 1137 exact", "2009 attacks all PK-BA 792 exact", "2009 attacks all PK-TA 559 exact"}},
		{name: "respectively takes the nearest list before its counts", published: "2020-02-17", country: "IN",
			text: "Jharkhand recorded 59 fatalities (15 civilians, 14 SFs and 30 Maoists) in 2019, while Odisha and Maharashtra registered 29 and 38, respectively.",
			want: []string{"2019 deaths all IN-JH 59 exact", "2019 deaths civilians IN-JH 15 exact", "2019 deaths security_forces IN-JH 14 exact", "2019 deaths militants IN-JH 30 exact", "2019 deaths all IN-OD 29 exact", "2019 deaths all IN-MH 38 exact"}},
		{name: "respectively after counts with their nouns", published: "2025-04-02",
			text: "In March, Punjab and Sindh reported two attacks and one attack respectively, while Islamabad saw none.",
			want: []string{"2025-03 attacks all PK-PB 2 exact", "2025-03 attacks all PK-SD 1 exact", "2025-03 attacks all PK-IS 0 exact"}},
		{name: "a relative clause counts for the place before it", published: "2017-08-02",
			text: "In July, with 13 attacks, Balochistan overtook the tribal areas, which saw nine.",
			want: []string{"2017-07 attacks all PK-BA 13 exact", "2017-07 attacks all PK-TA 9 exact"}},
		{name: "a month heading a bare count in the next sentence", published: "2025-04-02",
			text: "Militant attacks in Pakistan rose to 105 in March, the highest since 2014. February had seen 79.",
			want: []string{"2025-03 attacks all PK 105 exact", "2025-02 attacks all PK 79 exact"}},
		{name: "a where-clause counts for the place before it, even one compared", published: "2013-01-05",
			text: "In 2012, the tribal areas remained the deadliest region, with 698 killed, ahead of Balochistan, where 954 casualties - 432 dead and 522 injured - were reported.",
			want: []string{"2012 deaths all PK-TA 698 exact", "2012 deaths all PK-BA 432 exact", "2012 injuries all PK-BA 522 exact"}},
		{name: "a district before a colon is the earlier clause's place", published: "2015-07-05",
			text: "In the second quarter, militants took the heaviest losses as the offensive pressed on in North Waziristan: 612 of the dead were militants.",
			want: []string{"2015-Q2 deaths militants PK 612 exact"}},
		{name: "a place compared with its own count", published: "2022-07-05", country: "NG",
			text: "In the first half, Zamfara led with 540 abductions, ahead of Kaduna with 517; the Federal Capital Territory recorded 29.",
			want: []string{"2022-H1 abductions all NG-ZA 540 exact", "2022-H1 abductions all NG-KD 517 exact", "2022-H1 abductions all NG-FC 29 exact"}},
		{name: "a year before a noun is no count", published: "2017-01-05",
			text: "Pakistan saw 441 attacks in 2016. The 2016 attacks killed 908 people.",
			want: []string{"2016 attacks all PK 441 exact", "2016 deaths all PK 908 exact"}},
		{name: "places compared within the count's period", published: "2019-11-04",
			text: "Sindh was the worst-hit province in October with 31 deaths, compared with 22 in Punjab and 17 in Balochistan.",
			want: []string{"2019-10 deaths all PK-SD 31 exact", "2019-10 deaths all PK-PB 22 exact", "2019-10 deaths all PK-BA 17 exact"}},
		{name: "a list of places with an article, respectively", published: "2019-11-04",
			text: "In October, Punjab and the former tribal areas saw 6 and 14 attacks respectively.",
			want: []string{"2019-10 attacks all PK-PB 6 exact", "2019-10 attacks all PK-TA 14 exact"}},
		{name: "a name two countries' regions share is the document country's", published: "2022-07-05", country: "IN",
			text: "In June, 12 people were killed in Punjab and 4 in Haryana.",
			want: []string{"2022-06 deaths all IN-PB 12 exact", "2022-06 deaths all IN-HR 4 exact"}},
		{name: "the Federal Capital Territory of Nigeria", published: "2022-07-05", country: "NG",
			text: "In the first half, 29 people were abducted in the Federal Capital Territory.",
			want: []string{"2022-H1 abductions all NG-FC 29 exact"}},
		{name: "a country's region in the possessive", published: "2021-07-05", country: "NG",
			text: "Gunmen killed at least 64 villagers in Nigeria's north-western Zamfara state in June.",
			want: []string{"2021-06 deaths civilians NG-ZA 64 at_least"}},
	})
}

func TestCategoriesAndMetrics(t *testing.T) {
	runCases(t, []extractCase{
		{name: "a clause dated by another event is no single event", published: "2023-02-01",
			text: "January was the deadliest month in years, with militant attacks killing 134 people, data showed on Wednesday, two days after a suicide bomber blew himself up in a mosque.",
			want: []string{"2023-01 deaths all PK 134 exact"}},
		{name: "the subject blamed for a share caused it", published: "2017-07-17", country: "AF", publisher: "UNAMA",
			text: "The number of civilians killed hit a record for the first half of a year in 2017. UNAMA documented 1,662 civilian deaths. Insurgents were blamed for 1,141 of the deaths and 2,348 of the injuries.",
			want: []string{"2017-H1 deaths civilians AF 1662 exact", "2017-H1 deaths civilians AF 1141 exact", "2017-H1 injuries civilians AF 2348 exact"}},
		{name: "the subject of a recording verb keeps the count", published: "2013-01-05", country: "IN",
			text: "Violence eased in Manipur in 2012, with the state police recording 116 deaths against 125 in 2011.",
			want: []string{"2012 deaths all IN-MN 116 exact", "2011 deaths all IN-MN 125 exact"}},
		{name: "the wounded after the killed are the same people", published: "2020-11-02", country: "AF",
			text: "In October, Kunduz was the hardest hit, with 35 civilians killed and 70 wounded there.",
			want: []string{"2020-10 deaths civilians AF-KDZ 35 exact", "2020-10 injuries civilians AF-KDZ 70 exact"}},
		{name: "a place heads a count past 'just'", published: "2024-01-03", country: "IN",
			text: "In 2023, Maoists carried out 48 attacks in Jharkhand, while Odisha recorded just nine and Bihar none.",
			want: []string{"2023 attacks all IN-JH 48 exact", "2023 attacks all IN-OD 9 exact", "2023 attacks all IN-BR 0 exact"}},
		{name: "others after an attack count are the people of the count before", published: "2019-04-02", country: "AF",
			text: "In 2018, the Taliban carried out 8,137 attacks across the country, killing 2,936 civilians and wounding 5,187 others.",
			want: []string{"2018 attacks all AF 8137 exact", "2018 deaths civilians AF 2936 exact", "2018 injuries civilians AF 5187 exact"}},
		{name: "the wounded after a two-word kind are the same people", published: "2020-07-01", country: "AF",
			text: "In June, security forces killed 1,168 Taliban fighters and wounded 607.",
			want: []string{"2020-06 deaths militants AF 1168 exact", "2020-06 injuries militants AF 607 exact"}},
		{name: "a frame of the people a count is part of", published: "2023-01-02",
			text: "In 2022, 119 police officers were killed in Khyber Pakhtunkhwa. Of the 119 officers killed, 41 died in the former tribal districts. Of the militants' actions, Punjab saw 7.",
			want: []string{"2022 deaths security_forces PK-KP 119 exact", "2022 deaths security_forces PK-TA 41 exact", "2022 attacks all PK-PB 7 exact"}},
		{name: "the wounded after an approximate qualifier are the same people, not a part's", published: "2020-08-02", country: "AF",
			text: "In June, the ministry reported 261 civilians killed and around 500 wounded. In July, 300 people lost their lives, among them 11 policemen, and around 70 were wounded.",
			want: []string{"2020-06 deaths civilians AF 261 exact", "2020-06 injuries civilians AF 500 approx", "2020-07 deaths all AF 300 exact", "2020-07 deaths security_forces AF 11 exact", "2020-07 injuries all AF 70 approx"}},
		{name: "no incident for a place, but not for some of its districts nor a group's", published: "2020-01-05", country: "IN",
			text: "In 2019, West Bengal did not record a single incident. Four of Jharkhand's 24 districts did not report a single incident. Not a single incident linked to the ULFA was reported in Assam.",
			want: []string{"2019 attacks all IN-WB 0 exact"}},
		{name: "a zero for the places of its part of the sentence", published: "2021-10-05",
			text: "In the third quarter, Islamabad lost two lives, and neither Gilgit-Baltistan nor Azad Jammu and Kashmir reported a single fatality. No attack took place in Islamabad, Gilgit-Baltistan or Azad Kashmir.",
			want: []string{"2021-Q3 deaths all PK-IS 2 exact", "2021-Q3 deaths all PK-GB 0 exact", "2021-Q3 deaths all PK-JK 0 exact", "2021-Q3 attacks all PK-IS 0 exact", "2021-Q3 attacks all PK-GB 0 exact", "2021-Q3 attacks all PK-JK 0 exact"}},
		{name: "zeros for a list of places while reporting", published: "2017-01-05",
			text: "In 2016, Gilgit-Baltistan and Azad Kashmir were spared altogether, reporting no terrorist attack. Sindh saw a little over 40 attacks.",
			want: []string{"2016 attacks all PK-GB 0 exact", "2016 attacks all PK-JK 0 exact", "2016 attacks all PK-SD 40 at_least"}},
		{name: "a group's claimed share is a sub-type", published: "2024-01-05", country: "AF",
			text: "In 2023, militants carried out 300 attacks. ISKP claimed 71 of the attacks, and PIPS counted 36 operational attacks by the security forces.",
			want: []string{"2023 attacks all AF 300 exact"}},
		{name: "operational strikes are no attacks", published: "2017-01-05",
			text: "In 2016, besides militant attacks, the report documents 111 operational strikes by the army, in which 809 suspected militants were killed.",
			want: []string{"2016 deaths militants PK 809 exact"}},
		{name: "a share of the period's dead", published: "2014-07-06",
			text: "In the second quarter, militants made up 781 of the quarter's dead.",
			want: []string{"2014-Q2 deaths militants PK 781 exact"}},
		{name: "of them: the people named last before", published: "2024-01-03",
			text: "In 2023, police and troops carried out 89 operations against militants, killing 242 of them.",
			want: []string{"2023 deaths militants PK 242 exact"}},
		{name: "dead or injured is one undivided count", published: "2022-04-01",
			text: "Violence left 433 people dead or injured in the first quarter of 2022.",
			want: []string{"2022-Q1 casualties all PK 433 exact"}},
		{name: "a list of counts shares the noun and its kind", published: "2021-07-26", country: "AF",
			text: "In June, Herat, Kunduz and Faryab recorded 96, 88 and 71 civilian casualties respectively.",
			want: []string{"2021-06 casualties civilians AF-HER 96 exact", "2021-06 casualties civilians AF-KDZ 88 exact", "2021-06 casualties civilians AF-FYB 71 exact"}},
		{name: "a word that makes no count stands before the qualifier", published: "2019-10-02", country: "NG",
			text: "In September, the insurgency killed 61 people in Borno and displaced some 20,000.",
			want: []string{"2019-09 deaths all NG-BO 61 exact"}},
		{name: "of them after a count of the same people", published: "2025-02-05", country: "IN",
			text: "Security forces killed 290 Maoists across the affected states in 2024, 217 of them in Chhattisgarh, while Jharkhand reported 31.",
			want: []string{"2024 deaths militants IN 290 exact", "2024 deaths militants IN-CG 217 exact", "2024 deaths militants IN-JH 31 exact"}},
		{name: "recruits and vigilantes are no count of their own", published: "2024-01-03", country: "NG",
			text: "In 2023, 14 soldiers and 22 vigilantes lost their lives in Katsina, and the police inducted 1,400 new recruits.",
			want: []string{"2023 deaths security_forces NG-KT 14 exact"}},
		{name: "a number of places is no count", published: "2019-01-05", country: "IN",
			text: "In 2018, 833 incidents were recorded across ten states, and militants struck in the five Garo Hills districts.",
			want: []string{"2018 attacks all IN 833 exact"}},
		{name: "a share of places is no count", published: "2020-11-02", country: "AF",
			text: "Militants carried out 1,265 attacks in 28 of Afghanistan's 34 provinces in October.",
			want: []string{"2020-10 attacks all AF 1265 exact"}},
		{name: "one in four is a ratio", published: "2020-01-05", country: "BF",
			text: "Jihadist groups carried out 600 attacks in 2019, roughly one in four of them against civilians.",
			want: []string{"2019 attacks all BF 600 exact"}},
		{name: "an aside on the whole is no sub-type", published: "2021-07-26", country: "AF",
			text: "In the first half, the army caused 402 civilian casualties (150 killed and 252 injured), most of it in air strikes.",
			want: []string{"2021-H1 deaths civilians AF 150 exact", "2021-H1 injuries civilians AF 252 exact"}},
		{name: "a loss is the subject's", published: "2020-01-05", country: "BF",
			text: "In 2019, the army and gendarmerie lost at least 260 men, while the army killed 310 militants.",
			want: []string{"2019 deaths security_forces BF 260 at_least", "2019 deaths militants BF 310 exact"}},
		{name: "people of a kind named as a part", published: "2019-04-02", country: "IN",
			text: "In March, 12 of the jawans were killed and four of their officers were injured in Maoist ambushes, while 31 of the Maoist fatalities came in Bijapur.",
			want: []string{"2019-03 deaths security_forces IN 12 exact", "2019-03 injuries security_forces IN 4 exact"}},
		{name: "a comparison takes the kind of the count compared, past the setting", published: "2018-05-06", country: "NG",
			text: "At least 310 people have been killed in raids by gunmen in Zamfara this year, against 205 in the whole of 2017.",
			want: []string{"2018 deaths all NG-ZA 310 at_least", "2017 deaths all NG-ZA 205 exact"}},
		{name: "N of those killed were of a kind", published: "2020-01-05", country: "BF",
			text: "Jihadist violence killed 2,200 people in 2019. At least 1,300 of those killed were civilians.",
			want: []string{"2019 deaths all BF 2200 exact", "2019 deaths civilians BF 1300 at_least"}},
		{name: "a category before a noun of violence names the perpetrators", published: "2015-01-03", country: "IN",
			text: "Insurgent violence in Manipur claimed 88 lives in 2014, with the Kangleipak National Front blamed, and 30 civilians were among the dead.",
			want: []string{"2014 deaths all IN-MN 88 exact", "2014 deaths civilians IN-MN 30 exact"}},
		{name: "a count with a noun of its own and another predicate", published: "2013-06-03",
			text: "In May, 120 people were killed, most of them in Khyber, and police rounded up 216 suspects, while some 4,600 candidates had contested seats.",
			want: []string{"2013-05 deaths all PK 120 exact", "2013-05 arrests all PK 216 exact"}},
		{name: "N of them: a part of an uncategorised total, unless it places it", published: "2024-12-01",
			text: "In November, militants also abducted 11 people, four of them employees of a cellular company, and carried out 59 attacks, 33 of them in Balochistan.",
			want: []string{"2024-11 abductions all PK 11 exact", "2024-11 attacks all PK 59 exact", "2024-11 attacks all PK-BA 33 exact"}},
		{name: "the predicate after an aside on parts is the count's", published: "2011-06-12",
			text: "In May, police arrested 2,406 suspects, while some 160 people, among them 23 foreigners, were kidnapped for ransom.",
			want: []string{"2011-05 arrests all PK 2406 exact", "2011-05 abductions all PK 160 approx"}},
		{name: "a relative clause on the subject's origin ends at its comma", published: "2019-10-02",
			text: "In the third quarter, the fatalities, which resulted from 97 incidents including sectarian killings, comprised 71 civilians and 45 militants.",
			want: []string{"2019-Q3 deaths civilians PK 71 exact", "2019-Q3 deaths militants PK 45 exact"}},
		{name: "a relative clause on the subject's parts ends at its comma", published: "2011-06-12",
			text: "In May, the attacks, which included 12 suicide bombings, left 98 people dead and 230 wounded.",
			want: []string{"2011-05 deaths all PK 98 exact", "2011-05 injuries all PK 230 exact"}},
		{name: "an aside on a part ends at its comma", published: "2013-06-03",
			text: "In May, the attacks, many of them aimed at election rallies, killed 212 people, the highest toll since October 2012.",
			want: []string{"2013-05 deaths all PK 212 exact"}},
		{name: "killing N of a kind and wounding M: the same people", published: "2020-07-21", country: "AF",
			text: "In June, insurgents carried out 412 attacks, killing 792 civilians and wounding 1,621, the council said.",
			want: []string{"2020-06 attacks all AF 412 exact", "2020-06 deaths civilians AF 792 exact", "2020-06 injuries civilians AF 1621 exact"}},
		{name: "others are the people of the clause's first count", published: "2019-01-03",
			text: "In 2018, 48 civilians were killed and 95 others hurt, while 310 people died in all, among them 120 soldiers, and 402 others were wounded.",
			want: []string{"2018 deaths civilians PK 48 exact", "2018 injuries civilians PK 95 exact", "2018 deaths all PK 310 exact",
				"2018 deaths security_forces PK 120 exact", "2018 injuries all PK 402 exact"}},
		{name: "month-headed counts after a count with its noun", published: "2019-10-02",
			text: "July was the bloodiest month of the quarter with 76 deaths; August recorded 49 and September 48.",
			want: []string{"2019-07 deaths all PK 76 exact", "2019-08 deaths all PK 49 exact", "2019-09 deaths all PK 48 exact"}},
		{name: "a place-headed list takes the kind named at its end", published: "2013-06-03",
			text: "In May, the provincial breakdown ran: Balochistan 41, Sindh 22 and Punjab three, while Islamabad recorded one attack.",
			want: []string{"2013-05 attacks all PK-BA 41 exact", "2013-05 attacks all PK-SD 22 exact", "2013-05 attacks all PK-PB 3 exact", "2013-05 attacks all PK-IS 1 exact"}},
		{name: "a place-headed list repeats its head's kind", published: "2022-10-02",
			text: "In September, Punjab saw 30 deaths and 41 injuries, while Sindh lost 12 people, Balochistan 9 and Islamabad 2.",
			want: []string{"2022-09 deaths all PK-PB 30 exact", "2022-09 injuries all PK-PB 41 exact", "2022-09 deaths all PK-SD 12 exact",
				"2022-09 deaths all PK-BA 9 exact", "2022-09 deaths all PK-IS 2 exact"}},
		{name: "verbs and nouns", published: "2025-11-01",
			text: "In October, 355 militants were eliminated, 72 soldiers were martyred, 31 civilians got injured and 22 suspects were apprehended.",
			want: []string{"2025-10 deaths militants PK 355 exact", "2025-10 deaths security_forces PK 72 exact", "2025-10 injuries civilians PK 31 exact", "2025-10 arrests all PK 22 exact"}},
		{name: "branches are security forces", published: "2019-10-10",
			text: "In September 2019, three policemen and one FC man were killed.",
			want: []string{"2019-09 deaths security_forces PK 3 exact", "2019-09 deaths security_forces PK 1 exact"}},
		{name: "undivided casualties", published: "2016-04-02",
			text: "In March, 46 militant attacks produced 151 casualties.",
			want: []string{"2016-03 attacks all PK 46 exact", "2016-03 casualties all PK 151 exact"}},
		{name: "casualties with their split", published: "2016-10-29",
			text: "The report counted 1,092 casualties (651 killed and 441 injured) between July and September 2016.",
			want: []string{"2016-Q3 deaths all PK 651 exact", "2016-Q3 injuries all PK 441 exact"}},
		{name: "groups fitting no category", published: "2016-01-01",
			text: "In 2015, militants killed 619 civilians and 33 pro-government razakars.",
			want: []string{"2015 deaths civilians PK 619 exact"}},
		{name: "publisher default category", published: "2018-04-12", country: "AF", publisher: "UNAMA",
			text: "In the first three months of this year, 763 people were killed and 1,495 injured.",
			want: []string{"2018-Q1 deaths civilians AF 763 exact", "2018-Q1 injuries civilians AF 1495 exact"}},
		{name: "cited publisher's default category", published: "2021-04-15", country: "AF", publisher: "Wire desk",
			text: "Violence in the first quarter of 2021 killed 573 people and wounded 1,210, the United Nations Assistance Mission in Afghanistan said on Wednesday.",
			want: []string{"2021-Q1 deaths civilians AF 573 exact", "2021-Q1 injuries civilians AF 1210 exact"}},
		{name: "publisher named inside a word is not cited", published: "2021-04-15", country: "AF", publisher: "Wire desk",
			text: "Violence in the first quarter of 2021 killed 573 people, the Xunama group said.",
			want: []string{"2021-Q1 deaths all AF 573 exact"}},
	})
}

func TestQualifiersAndZeros(t *testing.T) {
	runCases(t, []extractCase{
		{name: "qualifiers", published: "2023-07-03",
			text: "In the first half of 2023 there were at least 271 attacks, nearly 400 deaths, up to 650 injuries and over a hundred arrests.",
			want: []string{"2023-H1 attacks all PK 271 at_least", "2023-H1 deaths all PK 400 approx", "2023-H1 injuries all PK 650 at_most", "2023-H1 arrests all PK 100 at_least"}},
		{name: "as many as is exact", published: "2020-02-02",
			text: "The report logged as many as 15 militant attacks in January this year.",
			want: []string{"2020-01 attacks all PK 15 exact"}},
		{name: "no attack was recorded", published: "2024-10-05",
			text: "In September 2024 no attack was recorded in Sindh.",
			want: []string{"2024-09 attacks all PK-SD 0 exact"}},
		{name: "did not see a single attack", published: "2024-10-05",
			text: "Sindh did not see a single terrorist attack in September 2024, while the one attack reported in Punjab left one policeman injured.",
			want: []string{"2024-09 attacks all PK-SD 0 exact", "2024-09 attacks all PK-PB 1 exact", "2024-09 injuries security_forces PK-PB 1 exact"}},
	})
}

func TestDistractors(t *testing.T) {
	runCases(t, []extractCase{
		{name: "forces deployed are no count", published: "2019-07-04", country: "ML",
			text: "The UN mission, with some 13,000 personnel deployed, lost fewer than a dozen peacekeepers in the first half of 2019.",
			want: []string{"2019-H1 deaths security_forces ML 12 at_most"}},
		{name: "a negated 'a single' is no count of one", published: "2015-01-04", country: "IN",
			text: "In 2014, not a single incident involving the group was reported from the tea belt.",
			want: nil},
		{name: "a sub-type after a later count is that count's", published: "2015-01-04", country: "IN",
			text: "In 2014, police killed twenty-two militants and arrested 380 cadres of various outfits.",
			want: []string{"2014 deaths militants IN 22 exact", "2014 arrests all IN 380 exact"}},
		{name: "a zero read from a passive verb, and cases of abduction", published: "2009-01-05", country: "IN",
			text: "In 2008, not a single security force personnel was killed in Nagaland, and police registered 216 cases of abduction there. Of the dead, 107 were cadres.",
			want: []string{"2008 deaths security_forces IN-NL 0 exact", "2008 abductions all IN-NL 216 exact", "2008 deaths militants IN-NL 107 exact"}},
		{name: "a zero of one category", published: "2009-01-05", country: "IN",
			text: "In 2008, Nagaland lost 141 lives, while Arunachal Pradesh did not record a single civilian death, and nearly 70,000 central paramilitary personnel are deployed in the region.",
			want: []string{"2008 deaths all IN-NL 141 exact", "2008 deaths civilians IN-AR 0 exact"}},
		{name: "a list of kinds of violence with a general one counts all", published: "2015-01-05",
			text: "In 2014, militant, nationalist and sectarian groups carried out 1,206 attacks across the country.",
			want: []string{"2014 attacks all PK 1206 exact"}},
		{name: "a verb of single events used for a count", published: "2012-01-03", country: "IN",
			text: "In 2011, security forces gunned down 21 Maoists in encounters, up from 13 in the previous year, and arrested 187 cadres. In May, a constable was gunned down in Koraput, and 3 others were killed.",
			want: []string{"2011 deaths militants IN 21 exact", "2010 deaths militants IN 13 exact", "2011 arrests all IN 187 exact"}},
		{name: "seized objects with an adjective", published: "2016-01-04",
			text: "In 2015, police arrested 412 suspects and seized 950 illegal weapons and 31 stolen vehicles.",
			want: []string{"2015 arrests all PK 412 exact"}},
		{name: "percentages and periods without counts", published: "2023-03-07",
			text: "January 2023 remained one of the deadliest months since July 2018, as 134 people lost their lives — a 139 per cent spike — and 254 received injuries in at least 44 militant attacks across the country.",
			want: []string{"2023-01 deaths all PK 134 exact", "2023-01 injuries all PK 254 exact", "2023-01 attacks all PK 44 at_least"}},
		{name: "dates and ages", published: "2024-03-02",
			text: "On March 3, 2024, a 12-year-old boy was among 2 people hurt in Quetta.",
			want: nil},
		{name: "single incident on a weekday", published: "2025-07-01",
			text: "Two traffic police officers were gunned down on Tuesday in Lakki Marwat.",
			want: nil},
		{name: "sub-types of attacks", published: "2018-01-27",
			text: "Five suicide attacks killed 73 people in 2017.",
			want: nil},
		{name: "averages", published: "2022-01-02",
			text: "The monthly average of militant attacks climbed from 16 in 2020 to 25 in 2021.",
			want: nil},
		{name: "multi-country region", published: "2019-03-28", country: "ML",
			text: "Between November 2018 and March 2019 ACLED recorded 4,776 fatalities in the Sahel.",
			want: nil},
		{name: "incidents mixing attacks and operations", published: "2019-10-02",
			text: "Counting militant attacks and security forces actions together, there were 23 incidents in September 2019.",
			want: nil},
	})
}

func TestEvidenceOffsets(t *testing.T) {
	text := "Published: 2024-03-02\n\nIn February, militants carried out 97 attacks. They killed eighty-seven people."
	figs := Extract(text, Context{Published: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC), Country: "PK"})
	if len(figs) != 2 {
		t.Fatalf("got %d figures, want 2: %v", len(figs), figs)
	}
	for _, f := range figs {
		num := text[f.Evidence.Start:f.Evidence.End]
		if num != "97" && num != "eighty-seven" {
			t.Errorf("offsets [%d,%d) point at %q", f.Evidence.Start, f.Evidence.End, num)
		}
		if !strings.Contains(text, f.Evidence.Text) || !strings.Contains(f.Evidence.Text, num) {
			t.Errorf("evidence %q is not the sentence of %q", f.Evidence.Text, num)
		}
		if f.Confidence <= 0 || f.Confidence > 1 {
			t.Errorf("confidence %v out of (0,1]", f.Confidence)
		}
	}
}

func TestLexiconLoads(t *testing.T) {
	lx, err := defaultLexicon()
	if err != nil {
		t.Fatal(err)
	}
	if len(lx.vocab) < 500 {
		t.Errorf("vocabulary has %d words; data files not loaded?", len(lx.vocab))
	}
}

func TestBadInput(t *testing.T) {
	cases := map[string]string{
		"empty":        "",
		"whitespace":   " \n\t\n",
		"binary":       "\x00\x01\x02\xff\xfe 12 \x00 attacks \x80\x81",
		"invalid utf8": "In March \xc3\x28 militants carried out \xe2\x82 12 attacks.",
		"only numbers": strings.Repeat("1,234 5678 9. ", 1000),
		"long line":    strings.Repeat("militants carried out 12 attacks and ", 5000),
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			figs := Extract(text, Context{Published: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC), Country: "PK"})
			if figs == nil {
				t.Fatal("Extract returned nil; want an empty slice")
			}
			checkFigures(t, text, figs)
		})
	}
}

// checkFigures asserts the invariants every figure must satisfy.
func checkFigures(t *testing.T, text string, figs []Figure) {
	t.Helper()
	for _, f := range figs {
		e := f.Evidence
		if e.Start < 0 || e.End > len(text) || e.Start >= e.End {
			t.Fatalf("offsets [%d,%d) outside text of %d bytes", e.Start, e.End, len(text))
		}
		idx := strings.Index(text, e.Text)
		if idx < 0 {
			t.Fatalf("evidence %q is not a substring of the text", e.Text)
		}
		// the number lies inside its sentence
		found := false
		for i := idx; i >= 0 && i <= e.Start; {
			if i <= e.Start && e.End <= i+len(e.Text) {
				found = true
				break
			}
			n := strings.Index(text[i+1:], e.Text)
			if n < 0 {
				break
			}
			i += n + 1
		}
		if !found {
			t.Fatalf("number [%d,%d) is not inside its evidence sentence", e.Start, e.End)
		}
		if _, err := ParsePeriod(f.Period); err != nil {
			t.Fatalf("bad period: %v", err)
		}
		if f.Value < 0 || f.Confidence <= 0 || f.Confidence > 1 {
			t.Fatalf("bad value or confidence: %+v", f)
		}
	}
}

func FuzzExtract(f *testing.F) {
	f.Add("January 2023 remained one of the deadliest months since July 2018, as 134 people lost their lives and 254 received injuries in at least 44 militant attacks across the country.", int64(1678147200))
	f.Add("In Balochistan, three attacks left four dead and 13 hurt; in Sindh, two attacks killed nine people and injured the same number.", int64(1543795200))
	f.Add("No other unit, including Sindh and Punjab, recorded any attack. Of the 58 injured in the province, 55 were civilians.", int64(1564617600))
	f.Add("\xff\xfe 1,234,567,890,123,456,789,012 (((( —— one hundred and and thousand ;;;", int64(0))
	f.Fuzz(func(t *testing.T, text string, pub int64) {
		figs := Extract(text, Context{Published: time.Unix(pub%4102444800, 0).UTC(), Country: "PK"})
		checkFigures(t, text, figs)
	})
}

func TestReportForms(t *testing.T) {
	runCases(t, []extractCase{
		{name: "fiscal year from the country data", published: "2023-07-13",
			text: "PESHAWAR: Khyber Pakhtunkhwa Police lost 141 personnel in the fiscal year 2022-23. The previous fiscal year had seen 360 attacks in the province.",
			want: []string{"2022-07/2023-06 deaths security_forces PK-KP 141 exact", "2021-07/2022-06 attacks all PK-KP 360 exact"}},
		{name: "the same month last year", published: "2023-11-01",
			text: "Militants carried out 63 attacks in October. In the same month last year, 42 attacks had claimed 61 lives.",
			want: []string{"2023-10 attacks all PK 63 exact", "2022-10 attacks all PK 42 exact", "2022-10 deaths all PK 61 exact"}},
		{name: "table rows are not datelines", published: "2023-10-02",
			text: "Q3 2023 by province\nBalochistan: 137 killed, 172 injured\nSindh: 14 killed, 9 injured",
			want: []string{"2023-Q3 deaths all PK-BA 137 exact", "2023-Q3 injuries all PK-BA 172 exact", "2023-Q3 deaths all PK-SD 14 exact", "2023-Q3 injuries all PK-SD 9 exact"}},
		{name: "capitalised datelines are not scopes", published: "2023-02-08",
			text: "NEW DELHI: Security forces neutralised 180 terrorists in 2022.",
			want: []string{"2022 deaths militants PK 180 exact"}},
		{name: "respectively over places", published: "2024-01-12",
			text: "In 2023, 746 suspects were arrested in Sindh, while the figures for Khyber Pakhtunkhwa and Balochistan stood at 1,093 and 612 respectively.",
			want: []string{"2023 arrests all PK-SD 746 exact", "2023 arrests all PK-KP 1093 exact", "2023 arrests all PK-BA 612 exact"}},
		{name: "each over a list of places", published: "2025-01-01",
			text: "In 2024, Sindh and Punjab saw 19 deaths each.",
			want: []string{"2024 deaths all PK-SD 19 exact", "2024 deaths all PK-PB 19 exact"}},
		{name: "a sum over several places is no regional figure", published: "2024-07-03",
			text: "In the second quarter of 2024, Punjab and Sindh together witnessed 18 attacks.",
			want: nil},
		{name: "of the dead were soldiers", published: "2022-04-02",
			text: "Militants killed fifty-six people in March. Sixteen of the dead were soldiers, policemen or FC personnel.",
			want: []string{"2022-03 deaths all PK 56 exact", "2022-03 deaths security_forces PK 16 exact"}},
		{name: "Urdu-English idioms", published: "2024-04-03",
			text: "Security forces sent 109 terrorists to hell during the first quarter, while 38 brave jawans embraced shahadat.",
			want: []string{"2024-Q1 deaths militants PK 109 exact", "2024-Q1 deaths security_forces PK 38 exact"}},
		{name: "earlier in the year does not widen the month", published: "2024-10-01",
			text: "Violence eased in September but remained above the levels seen earlier in the year. Balochistan recorded 22 attacks that left 30 people dead.",
			want: []string{"2024-09 attacks all PK-BA 22 exact", "2024-09 deaths all PK-BA 30 exact"}},
		{name: "since January counts to the day of publication", published: "2024-05-02", country: "IN",
			text: "Since January, 79 Maoists have been killed in Chhattisgarh, compared with 22 in the whole of 2023.",
			want: []string{"2024-01/2024-05 deaths militants IN-CG 79 exact", "2023 deaths militants IN-CG 22 exact"}},
		{name: "since January counts to the day of the statement", published: "2024-05-02", country: "IN",
			text: "Police officials said on Wednesday that 79 Maoists have been killed in Chhattisgarh since January.",
			want: []string{"2024-01/2024-04 deaths militants IN-CG 79 exact"}},
		{name: "bracketed months between quarter and year", published: "2023-04-03",
			text: "Violence claimed 432 lives in the first quarter (January-March) of 2023.",
			want: []string{"2023-Q1 deaths all PK 432 exact"}},
		{name: "a dated event in an aside keeps the count", published: "2023-04-03",
			text: "Violence claimed 432 lives in the first quarter of 2023. Khyber Pakhtunkhwa alone recorded 282 deaths, many of them in the January 30 bombing of a mosque.",
			want: []string{"2023-Q1 deaths all PK 432 exact", "2023-Q1 deaths all PK-KP 282 exact"}},
		{name: "a comparison's list across commas", published: "2019-01-02", country: "IN",
			text: "In 2018 the dead in Jammu and Kashmir included 271 militants, 95 security personnel and 86 civilians, against 220 militants, 83 security personnel and 54 civilians in 2017.",
			want: []string{"2018 deaths militants IN-JK 271 exact", "2018 deaths security_forces IN-JK 95 exact", "2018 deaths civilians IN-JK 86 exact",
				"2017 deaths militants IN-JK 220 exact", "2017 deaths security_forces IN-JK 83 exact", "2017 deaths civilians IN-JK 54 exact"}},
		{name: "the same period of another year", published: "2016-07-26", country: "AF",
			text: "In the first half of 2016, 1,601 people were killed, up from 1,592 in the same period of 2015.",
			want: []string{"2016-H1 deaths all AF 1601 exact", "2015-H1 deaths all AF 1592 exact"}},
		{name: "an included region after modifiers is not the scope", published: "2019-10-02",
			text: "Khyber Pakhtunkhwa, including the former tribal districts, witnessed 44 attacks in the third quarter of 2019.",
			want: []string{"2019-Q3 attacks all PK-KP 44 exact"}},
		{name: "parts after among them", published: "2019-10-02",
			text: "In the third quarter of 2019, 46 security personnel were martyred, among them 31 soldiers and 15 policemen.",
			want: []string{"2019-Q3 deaths security_forces PK 46 exact"}},
		{name: "a restrictor in a list of general kinds", published: "2013-01-05",
			text: "Attacks fell in 2012, but sectarian killings rose, according to a report released on Saturday. Terrorist and sectarian violence killed 2,050 people across the country during the year.",
			want: []string{"2012 deaths all PK 2050 exact"}},
		{name: "an aside after mostly", published: "2024-07-02",
			text: "In June 2024, the attacks killed 33 people, 18 security personnel, nine civilians and six militants, mostly would-be suicide bombers.",
			want: []string{"2024-06 deaths all PK 33 exact", "2024-06 deaths security_forces PK 18 exact", "2024-06 deaths civilians PK 9 exact", "2024-06 deaths militants PK 6 exact"}},
		{name: "the single worst month and a mark passed", published: "2020-02-23", country: "AF", publisher: "UNAMA",
			text: "July, with 1,589 civilian casualties, was the single worst month of 2019. Over the decade the total passed 100,000.",
			want: []string{"2019-07 casualties civilians AF 1589 exact"}},
		{name: "the closing months of a year in a comparison", published: "2021-04-20", country: "NG",
			text: "At least 1,603 people were killed in violent incidents across Nigeria in the first quarter of 2021, up from 1,348 in the last three months of 2020.",
			want: []string{"2021-Q1 deaths all NG 1603 at_least", "2020-Q4 deaths all NG 1348 exact"}},
		{name: "counts listed by period and their respective split", published: "2023-02-08", country: "IN",
			text: "In Jammu and Kashmir, 62 security personnel were killed in 2020, 42 in 2021 and 32 in 2022, while civilian deaths stood at 37, 41 and 31 respectively. Troops killed 221 militants in 2020, 180 in 2021 and 187 last year.",
			want: []string{"2020 deaths security_forces IN-JK 62 exact", "2021 deaths security_forces IN-JK 42 exact", "2022 deaths security_forces IN-JK 32 exact",
				"2020 deaths civilians IN-JK 37 exact", "2021 deaths civilians IN-JK 41 exact", "2022 deaths civilians IN-JK 31 exact",
				"2020 deaths militants IN-JK 221 exact", "2021 deaths militants IN-JK 180 exact", "2022 deaths militants IN-JK 187 exact"}},
		{name: "a quarter without its year in the opening sentence", published: "2021-01-04",
			text: "The think tank recorded 232 fatalities in the last quarter of 2020, compared with 181 fatalities in the third quarter.",
			want: []string{"2020-Q4 deaths all PK 232 exact", "2020-Q3 deaths all PK 181 exact"}},
		{name: "a list of places runs into the next sentence", published: "2020-10-14", country: "IN",
			text: "In 2019, Manipur accounted for 126 of the incidents, followed by Assam with 27. Meghalaya recorded 22 and Nagaland 20.",
			want: []string{"2019 attacks all IN-MN 126 exact", "2019 attacks all IN-AS 27 exact", "2019 attacks all IN-ML 22 exact", "2019 attacks all IN-NL 20 exact"}},
		{name: "the year named and the day of the statement", published: "2010-01-13", country: "AF",
			text: "The year 2009 was the deadliest for Afghan civilians since 2001, with 2,412 civilians killed in the armed conflict, the United Nations said on Wednesday.",
			want: []string{"2009 deaths civilians AF 2412 exact"}},
		{name: "a day's events stay a day's", published: "2010-01-13", country: "AF",
			text: "In 2009, 2,412 civilians were killed. On Wednesday, a suicide bomber killed 12 civilians in Kabul.",
			want: []string{"2009 deaths civilians AF 2412 exact"}},
		{name: "a cause and a single incident are not the count", published: "2010-01-13", country: "AF",
			text: "In 2009, 2,412 civilians were killed. Air strikes killed 359 of them. The deadliest single incident of the year was an air strike in Kunduz, which killed at least 74 civilians.",
			want: []string{"2009 deaths civilians AF 2412 exact"}},
		{name: "an opening range is the period in view", published: "2023-09-04", country: "IN",
			text: "The first eight months of 2023 were the bloodiest in Manipur in a decade, with 212 fatalities recorded in the state. The dead include 161 civilians and 42 militants.",
			want: []string{"2023-01/2023-08 deaths all IN-MN 212 exact", "2023-01/2023-08 deaths civilians IN-MN 161 exact", "2023-01/2023-08 deaths militants IN-MN 42 exact"}},
		{name: "the preceding three months are the quarter before", published: "2022-07-02",
			text: "Militants carried out 94 attacks in the second quarter of 2022, up from 87 in the preceding three months.",
			want: []string{"2022-Q2 attacks all PK 94 exact", "2022-Q1 attacks all PK 87 exact"}},
		{name: "a city named aside after mostly", published: "2016-09-03",
			text: "In August 2016, Sindh, mostly Karachi, had three attacks and Punjab one.",
			want: []string{"2016-08 attacks all PK-SD 3 exact", "2016-08 attacks all PK-PB 1 exact"}},
		{name: "a place's count carries its noun to the next sentence", published: "2023-09-04", country: "IN",
			text: "Between January and August 2023, Assam saw 11 deaths. Arunachal Pradesh recorded four.",
			want: []string{"2023-01/2023-08 deaths all IN-AS 11 exact", "2023-01/2023-08 deaths all IN-AR 4 exact"}},
		{name: "a place that reported no death", published: "2021-01-04",
			text: "In the fourth quarter of 2020, Sindh lost 17 lives, while Gilgit-Baltistan and Azad Jammu and Kashmir reported no fatality during the quarter. In March 2023, Punjab saw no attack.",
			want: []string{"2020-Q4 deaths all PK-SD 17 exact", "2020-Q4 deaths all PK-GB 0 exact", "2020-Q4 deaths all PK-JK 0 exact", "2023-03 attacks all PK-PB 0 exact"}},
		{name: "a place with none at the end of a list", published: "2020-10-14", country: "IN",
			text: "In 2019, Tripura saw just two incidents and Mizoram none.",
			want: []string{"2019 attacks all IN-TR 2 exact", "2019 attacks all IN-MZ 0 exact"}},
		{name: "a part of those attacks", published: "2022-07-02",
			text: "In the second quarter of 2022, Khyber Pakhtunkhwa saw 61 attacks. The tribal districts alone saw 32 of those attacks.",
			want: []string{"2022-Q2 attacks all PK-KP 61 exact", "2022-Q2 attacks all PK-TA 32 exact"}},
		{name: "a state's name inside a district's", published: "2021-11-10", country: "NG",
			text: "Bandits killed 323 people in Kaduna State between July and September 2021, and 288 of the deaths occurred in the Kaduna Central senatorial district.",
			want: []string{"2021-Q3 deaths all NG-KD 323 exact"}},
		{name: "a threshold that sorts places", published: "2018-07-10", country: "NG",
			text: "In the first half of 2018, Kaduna recorded 211 deaths, completing the list of states with more than 150 deaths.",
			want: []string{"2018-H1 deaths all NG-KD 211 exact"}},
		{name: "since an offensive began counts to date", published: "2024-01-22", country: "SO",
			text: "The government says more than 3,000 al-Shabaab fighters have been killed since the offensive began in August 2022.",
			want: []string{"2022-08/2024-01 deaths militants SO 3000 at_least"}},
		{name: "a dateline with a dash", published: "2022-04-12", country: "NG",
			text: "ABUJA — No fewer than 2,943 Nigerians were killed in the first quarter of 2022, a report has revealed.",
			want: []string{"2022-Q1 deaths all NG 2943 at_least"}},
		{name: "a comparison after a total's parts is with the total", published: "2019-01-03", country: "IN",
			text: "Left-wing extremism claimed 240 lives in 2018, including 173 civilians and 67 security personnel, down from 263 in 2017. In all, 1,930 cadres were arrested and 644 surrendered.",
			want: []string{"2018 deaths all IN 240 exact", "2018 deaths civilians IN 173 exact", "2018 deaths security_forces IN 67 exact", "2017 deaths all IN 263 exact", "2018 arrests all IN 1930 exact"}},
		{name: "a place that witnessed a bare count", published: "2024-12-01",
			text: "In November 2024, Khyber Pakhtunkhwa bore the brunt with 49 attacks, while Balochistan witnessed 20.",
			want: []string{"2024-11 attacks all PK-KP 49 exact", "2024-11 attacks all PK-BA 20 exact"}},
		{name: "this year before an event is this year", published: "2023-04-25", country: "IN",
			text: "In Chhattisgarh, 22 Maoists had been killed this year before the attack. In 2022, the state recorded 72 fatalities.",
			want: []string{"2023 deaths militants IN-CG 22 exact", "2022 deaths all IN-CG 72 exact"}},
		{name: "a list of counts shares the place named after it", published: "2023-04-25", country: "IN",
			text: "In 2023, 14 security personnel, 18 civilians and 22 Maoists have been killed in Chhattisgarh. In June, two soldiers and a policeman lost their lives in gunfights in the Rajouri area of Jammu and Kashmir.",
			want: []string{"2023 deaths security_forces IN-CG 14 exact", "2023 deaths civilians IN-CG 18 exact", "2023 deaths militants IN-CG 22 exact"}},
		{name: "a force that suffered casualties", published: "2015-02-03",
			text: "In 2014, KP police lost 138 men, while the FC suffered 94 casualties.",
			want: []string{"2014 deaths security_forces PK-KP 138 exact", "2014 casualties security_forces PK-KP 94 exact"}},
		{name: "a year earlier is no rate", published: "2020-01-10",
			text: "Security forces arrested 161 suspects in 2019, up from 102 a year earlier.",
			want: []string{"2019 arrests all PK 161 exact", "2018 arrests all PK 102 exact"}},
		{name: "they is people after a district", published: "2019-01-02", country: "IN",
			text: "Militants killed 40 people in Jammu and Kashmir in 2018. Shopian district saw many of the killings. Police said they had arrested 94 over-ground workers during the year.",
			want: []string{"2018 deaths all IN-JK 40 exact", "2018 arrests all IN-JK 94 exact"}},
	})
}
