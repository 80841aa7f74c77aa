# Reference values of R psych and multilevel for tests/analysis/test_psych_fixtures.py.
#
# Run from this folder (Debian: apt-get install r-base-core r-cran-psych r-cran-multilevel
# r-cran-gparotation r-cran-jsonlite):
#     Rscript --vanilla reference.R
# It writes the data sets (data/*.csv, made here with a fixed seed) and reference.json: what
# psych::alpha(), psych::omega() and multilevel's rwg.j(), ICC1(), ICC2() give on them, with
# every warning and message psych prints. Both are committed; the tests read them without R.
suppressPackageStartupMessages({library(psych); library(multilevel); library(jsonlite)})
requireNamespace("GPArotation", quietly = TRUE)
dir.create("data", showWarnings = FALSE)
set.seed(20240627)

likert <- function(latent, low = 1, high = 5) pmin(pmax(round(latent), low), high)

one_factor <- function(n, loadings, centre = 3, noise = 0.9) {
  trait <- rnorm(n)
  sapply(loadings, function(l) likert(centre + l * trait * 1.2 + rnorm(n) * noise))
}

holes <- function(x, share) { x[matrix(runif(length(x)) < share, nrow(x))] <- NA; x }

name <- function(x, prefix) { x <- as.data.frame(x); colnames(x) <- paste0(prefix, seq_len(ncol(x))); x }

sets <- list()
# Many partial answers: 20 people answered one item only, 15 none, the rest have holes.
x <- holes(one_factor(296, c(.5, .6, .7, .8, .6, .5)), 0.12)
x[1:20, ] <- NA; for (i in 1:20) x[i, 1 + i %% 6] <- sample(1:5, 1)
x[21:35, ] <- NA
sets$partial <- name(x, "p")
# A constant item: everyone who answered c6 gave 4.
x <- holes(one_factor(200, c(.6, .7, .6, .5, .7)), 0.05)
sets$constant <- cbind(name(x, "c"), c6 = ifelse(runif(200) < .1, NA, 4))
# An item nobody answered.
x <- holes(one_factor(200, c(.6, .7, .6, .5, .7)), 0.05)
sets$empty <- cbind(name(x, "e"), e6 = NA)
# An item worded the other way round and not declared reversed (n3).
x <- holes(one_factor(250, c(.7, .6, -.7, .6, .5)), 0.06)
sets$negative <- name(x, "n")
# Answers coded 0..4 (a consecutive range not starting at 1), 12 teams of 25.
team <- rep(sprintf("t%02d", 1:12), each = 25)
shift <- rnorm(12, sd = .5)[as.integer(factor(team))]
trait <- rnorm(300) + shift
x <- sapply(c(.6, .7, .8, .6, .5), function(l) likert(2 + l * trait + rnorm(300) * .8, 0, 4))
sets$zero4 <- name(holes(x, 0.04), "z")
zero4_team <- team
# Three group factors under a general one (12 items), for omega hierarchical.
g <- rnorm(500); f <- matrix(rnorm(1500), 500)
x <- sapply(1:12, function(j) 3 + .6 * g + .5 * f[, (j - 1) %/% 4 + 1] + rnorm(500) * .7)
sets$factors <- name(holes(sapply(1:12, function(j) likert(x[, j])), 0.05), "f")
# Four items: too few for three factors.
sets$few <- name(holes(one_factor(200, c(.6, .7, .8, .6)), 0.05), "w")

captured <- function(expr) {
  notes <- character(0)
  printed <- capture.output(value <- withCallingHandlers(expr,
    warning = function(w) { notes <<- c(notes, conditionMessage(w)); invokeRestart("muffleWarning") },
    message = function(m) { notes <<- c(notes, conditionMessage(m)); invokeRestart("muffleMessage") }))
  list(value = value, warnings = notes, printed = paste(printed, collapse = "\n"))
}

quiet <- function(expr) suppressMessages(suppressWarnings(expr))
reference <- list()
for (set in names(sets)) {
  x <- sets[[set]]
  out <- cbind(id = seq_len(nrow(x)), x)
  if (set == "zero4") out$team <- zero4_team
  write.csv(out, file.path("data", paste0(set, ".csv")), row.names = FALSE, na = "")
  a <- captured(alpha(x))
  al <- captured(alpha(x, use = "complete.obs"))
  kept <- colnames(x)[!is.na(apply(x, 2, sd, na.rm = TRUE)) & apply(x, 2, sd, na.rm = TRUE) > 0]
  xk <- x[, kept]
  entry <- list(
    items = colnames(x), kept = kept,
    alpha = list(raw = a$value$total$raw_alpha, std = a$value$total$std.alpha,
                 ase = a$value$total$ase,
                 duhachek = a$value$total$raw_alpha + c(-1.96, 1.96) * a$value$total$ase,
                 feldt = as.numeric(unlist(a$value$feldt[c("lower.ci", "upper.ci")])),
                 n = nrow(x), nvar = a$value$nvar,
                 r_drop = a$value$item.stats$r.drop, alpha_drop = a$value$alpha.drop$raw_alpha,
                 listwise = al$value$total$raw_alpha,
                 warnings = I(a$warnings), printed = a$printed),
    omega1 = list(minres = quiet(omega(xk, nfactors = 1, plot = FALSE))$omega.tot,
                  ml = quiet(omega(xk, nfactors = 1, fm = "ml", plot = FALSE))$omega.tot))
  if (set %in% c("factors", "few", "partial", "negative")) {
    o <- captured(omega(xk, plot = FALSE))
    entry$omega3 <- list(omega_h = o$value$omega_h, omega_tot = o$value$omega.tot,
                         sl = unname(o$value$schmid$sl[, 1:4]), warnings = I(o$warnings))
  }
  if (set == "zero4") {
    frame <- data.frame(x, team = zero4_team)
    r <- rwg.j(frame[, 1:5], frame$team, ranvar = (5^2 - 1) / 12)
    score <- rowMeans(x, na.rm = TRUE)
    m <- aov(score ~ as.factor(zero4_team))
    entry$teams <- list(team = r$grpid, rwg_j = r$rwg.j, n = r$gsize,
                        icc1 = ICC1(m), icc2 = ICC2(m))
  }
  reference[[set]] <- entry
}
reference$versions <- list(R = R.version.string, psych = as.character(packageVersion("psych")),
                           multilevel = as.character(packageVersion("multilevel")),
                           GPArotation = as.character(packageVersion("GPArotation")))
writeLines(toJSON(reference, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           "reference.json")
