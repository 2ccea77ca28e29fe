// Command incidents turns the monthly security reports of think tanks and
// the news stories about them into clean time series.
package main

import "os"

func main() { os.Exit(run()) }
