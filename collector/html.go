package collector

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
)

// HTMLText reduces an HTML page to its article: the title, the main text
// (navigation, footers and scripts removed, paragraphs separated by blank
// lines) and the publication date from the page metadata
// (article:published_time, og:published_time, JSON-LD datePublished and
// the like; zero when absent). pageURL may be nil.
func HTMLText(r io.Reader, pageURL *url.URL) (title, text string, published time.Time, err error) {
	if pageURL == nil {
		pageURL = &url.URL{}
	}
	p := readability.NewParser()
	article, err := p.Parse(r, pageURL)
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("extract article: %w", err)
	}
	if article.Node == nil {
		return "", "", time.Time{}, errors.New("extract article: no readable content")
	}
	var b strings.Builder
	if err := article.RenderText(&b); err != nil {
		return "", "", time.Time{}, fmt.Errorf("render article text: %w", err)
	}
	text = strings.TrimSpace(b.String())
	if text == "" {
		return "", "", time.Time{}, errors.New("extract article: empty text")
	}
	if t, err := article.PublishedTime(); err == nil {
		published = t.UTC()
	}
	return strings.TrimSpace(article.Title()), text, published, nil
}
