package collector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/incidents-dev/incidents/config"
)

func init() { Kinds[config.KindFeed] = newFeedSource }

// acceptFeed is the Accept header of feed requests.
const acceptFeed = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"

// feedSource is an RSS or Atom feed whose items link to report pages.
type feedSource struct {
	web webSource
	// match selects items by title (case-insensitive); nil selects all.
	match *regexp.Regexp
	// hosts are the hosts item links may go to, lower case.
	hosts map[string]bool
}

// newFeedSource builds a feed source from its URL, match, max_items and
// allow_hosts.
func newFeedSource(cfg config.Source, deps Deps) (Source, error) {
	web, err := newWebSource(cfg, deps)
	if err != nil {
		return nil, err
	}
	s := &feedSource{web: web, hosts: map[string]bool{strings.ToLower(web.url.Host): true}}
	if cfg.Match != "" {
		if s.match, err = regexp.Compile("(?i)" + cfg.Match); err != nil {
			return nil, fmt.Errorf("match %q: %w", cfg.Match, err)
		}
	}
	for _, h := range cfg.AllowHosts {
		s.hosts[strings.ToLower(h)] = true
	}
	return s, nil
}

// Name returns the configured source name.
func (s *feedSource) Name() string { return s.web.cfg.Name }

// Documents fetches the feed and yields one document per selected item
// whose page changed; an item that fails is one error item and the others
// go on. A feed answering 304 yields nothing. The feed's validators are
// saved only after a run that tried every selected item without a failure,
// so a failed item is tried again next run.
func (s *feedSource) Documents(ctx context.Context) iter.Seq2[Document, error] {
	return func(yield func(Document, error) bool) {
		log := s.web.deps.Logger
		items, feedState, err := s.items(ctx)
		if errors.Is(err, ErrNotModified) {
			log.Debug("feed not modified", "url", s.web.url.String())
			return
		}
		if err != nil {
			yield(s.web.failed(s.web.url.String()), err)
			return
		}
		complete := true
		downloaded := 0
		for _, it := range items {
			if ctx.Err() != nil {
				return
			}
			if limit := s.web.cfg.MaxItems; limit > 0 && downloaded >= limit {
				log.Info("max_items reached, the rest waits for the next run", "url", s.web.url.String(), "max_items", limit)
				complete = false
				break
			}
			doc, v, err := s.item(ctx, it)
			if errors.Is(err, ErrNotModified) {
				continue
			}
			downloaded++
			if err != nil {
				complete = false
				doc = s.web.failed(orDefault(it.link, s.web.url.String()))
			}
			if !yield(doc, err) {
				return
			}
			if err == nil {
				s.web.saveValidators(ctx, v, doc.Text)
			}
		}
		if complete {
			s.web.saveValidators(ctx, feedState, "")
		}
	}
}

// feedItem is a selected item of the feed.
type feedItem struct {
	title     string
	link      string
	published time.Time
}

// items fetches and parses the feed and returns the items whose title
// matches, in feed order, each link once.
func (s *feedSource) items(ctx context.Context) ([]feedItem, validators, error) {
	feedURL := s.web.url.String()
	req := FetchRequest{URL: feedURL, Timeout: s.web.cfg.Timeout, Accept: acceptFeed, Logger: s.web.deps.Logger}
	req.ETag, req.LastModified = s.web.loadValidators(ctx, feedURL)
	resp, err := s.web.deps.Fetcher.Fetch(ctx, req)
	if err != nil {
		return nil, validators{}, err
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return nil, validators{}, fmt.Errorf("feed %s: empty body", feedURL)
	}
	// gofeed reads the XML encoding declaration itself; only the body we
	// fetched is parsed, never gofeed's own HTTP.
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(resp.Body))
	if err != nil {
		return nil, validators{}, fmt.Errorf("feed %s: %w", feedURL, err)
	}
	seen := map[string]bool{}
	var out []feedItem
	for _, it := range feed.Items {
		title := strings.TrimSpace(it.Title)
		if s.match != nil && !s.match.MatchString(title) {
			continue
		}
		link := itemLink(it)
		if seen[link] && link != "" {
			continue
		}
		seen[link] = true
		fi := feedItem{title: title, link: link}
		if it.PublishedParsed != nil {
			fi.published = it.PublishedParsed.UTC()
		} else if it.UpdatedParsed != nil {
			fi.published = it.UpdatedParsed.UTC()
		}
		out = append(out, fi)
	}
	s.web.deps.Logger.Debug("feed parsed", "url", feedURL, "items", len(feed.Items), "selected", len(out))
	return out, validators{url: feedURL, etag: resp.ETag, lastModified: resp.LastModified}, nil
}

func itemLink(it *gofeed.Item) string {
	if l := strings.TrimSpace(it.Link); l != "" {
		return l
	}
	for _, l := range it.Links {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// item checks an item's link and fetches its page.
func (s *feedSource) item(ctx context.Context, it feedItem) (Document, validators, error) {
	link, err := s.checkLink(it.link)
	if err != nil {
		return Document{}, validators{}, fmt.Errorf("feed %s: item %q: %w", s.web.url, it.title, err)
	}
	doc, v, err := s.web.fetchPage(ctx, link, itemHint{title: it.title, published: it.published})
	if err != nil && !errors.Is(err, ErrNotModified) {
		err = fmt.Errorf("feed %s: item %q: %w", s.web.url, it.title, err)
	}
	return doc, v, err
}

// checkLink resolves a link against the feed URL and accepts it only over
// http or https to the feed's host or an allowed host.
func (s *feedSource) checkLink(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("no link")
	}
	ref, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("link %q: %w", raw, err)
	}
	u := s.web.url.ResolveReference(ref)
	if err := checkScheme(u); err != nil {
		return "", fmt.Errorf("link %s: %w", raw, err)
	}
	if !s.hosts[strings.ToLower(u.Host)] && !s.hosts[strings.ToLower(u.Hostname())] {
		return "", fmt.Errorf("link %s: host %q is not the feed's host %q nor in allow_hosts", u, u.Host, s.web.url.Host)
	}
	u.Fragment = ""
	return u.String(), nil
}
