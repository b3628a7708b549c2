/**
 * The intent structure of a request, for attacks with no trigger words: a request for something
 * harmful, wrapped in persuasion (an authority or a study cited, a protective or educational purpose,
 * a professional role, a hypothetical frame: the PAP taxonomy of Zeng et al. 2024, also PAIR's and
 * TAP's rewordings), or followed by token soup (GCG, random search). Neither half is evidence alone:
 * people ask about fraud to avoid it, and researchers cite studies. Together they are the shape of a
 * persuasive or suffixed jailbreak, whatever its wording.
 *
 * The lists below are written from harm taxonomies (HarmBench's categories: weapons, cybercrime,
 * illegal goods, fraud, harassment, hate, self-harm, misinformation) and persuasion taxonomies, not
 * from any corpus's sentences. They run on normalized text (lower case, single spaces), are linear
 * regular expressions without nested repetition, and read at most MAX_CHARS characters.
 */

import { scannedTable } from '../pattern-scanner.js';

const MAX_CHARS = 4_000;

const HARM_OBJECT =
  '(?:(?:pipe |car |nail |dirty )?bombs?|explosives?|detonators?|napalm|thermite|nerve (?:agents?|gas)|sarin|ricin|anthrax|' +
  'bioweapons?|biological weapons?|chemical weapons?|weapons? of mass|dimethylmercury|toxins?|poisons?|poisoning|' +
  'meth(?:amphetamine)?|cocaine|heroin|fentanyl|illegal drugs|narcotics|firearms?|guns?|ghost guns?|silencers?|ammunition|weapons?|' +
  'malware|ransomware|keyloggers?|computer virus(?:es)?|trojans?|botnets?|rootkits?|exploits?|zero-days?|sql injection|ddos|' +
  'phishing|spyware|backdoors?|credit card (?:numbers|fraud|details)|counterfeit\\w*|money laundering|launder\\w* money|' +
  'ponzi|pyramid schemes?|scams?|fraud\\w*|identity theft|tax evasion|smuggl\\w+|traffick\\w+|child (?:sexual|porn)\\w*|' +
  'self-harm|suicide|murder\\w*|assassinat\\w+|kidnap\\w*|tortur\\w+|hate speech|racist|racial slurs?|slurs|harass\\w*|' +
  'cyberbully\\w*|bully\\w*|stalk\\w*|blackmail\\w*|extort\\w*|propaganda|disinformation|misinformation|fake news|' +
  'terroris\\w+|extremis\\w+|genocide|hack(?:ing)? into|break(?:ing)? into|steal\\w*|stolen|shoplift\\w*|hotwir\\w+|' +
  'evad\\w+ (?:the )?(?:police|taxes|detection|law enforcement|security)|data breach\\w*|breach\\w* (?:a|the|their) |' +
  'dox\\w*|deepfakes?|sexually explicit|porn\\w*|(?:kill|hurt|harm|attack|injure|poison) (?:someone|somebody|a person|people|others|him|her|them|my)|' +
  'interrogation methods|unauthori[sz]ed (?:access|interrogation|surveillance)|bypass\\w* (?:security|authentication|a paywall|drm)|' +
  // Ways of doing harm rather than objects: secrecy, illegality, violence, hatred, manipulation, intrusion.
  'without (?:(?:getting|being) (?:caught|detected|suspected|noticed|traced|flagged|discovered)|(?:official )?permission|a trace|consent)|untraceabl\\w+|' +
  'illegal\\w*|unlawful\\w*|lethal|deadly|hostage|arson|biohazard|pathogens?|synthesi[sz]\\w+ (?!data|speech|a summary)|' +
  'exfiltrat\\w+|reverse shell|evade antivirus|antivirus|payloads?|vulnerabilit(?:y|ies) to|computer worm|flood attack|' +
  'hatred|hate mail|death threats?|threaten\\w*|sexist|sexual assault|dismember\\w*|in graphic detail|gaslight\\w*|' +
  'psychologically manipulate|glorif\\w+|anorexia|bulimia|animal cruelty|discriminat\\w+ (?:is|are) (?:beneficial|good|justified)|' +
  'nazi|holocaust|tamper\\w* with|silence whistleblowers|spread a virus|vaccines cause|' +
  // Economic harm, deception and hate without a weapon: HarmBench's and the usage policies' categories.
  'insider trading|brib(?:e|es|ed|ing|ery)\\b|embezzl\\w+|defamat\\w+|libel(?:ous)?\\b|xenophob\\w+|body[- ]shaming|' +
  'forg(?:e|ed|ing) (?:a |an |the |fake )?(?:documents?|signatures?|passports?|ids?|checks?|cheques?|prescriptions?|certificates?)|' +
  'falsif(?:y|ied|ies|ying) (?:\\w+ )?(?:records?|documents?|data|results|evidence)|fake (?:ids?|reviews|passports?|invoices?)|' +
  'drunk driving|driv\\w+ (?:drunk|under the influence|while intoxicated|after drinking)|eating disorders?|' +
  'hazardous (?:medical )?waste|(?:is|are) (?:genetically |racially |inherently |biologically )?inferior|' +
  // Sexual content (JailbreakBench's "sexual/adult content" category): explicit anatomy and nudity.
  '(?:nud(?:es?|ity)|naked|boobs|breasts|genitals|penis|vagina|cock|cum)\\b|erotic\\w*|explicit (?:language|content|scenes?|sexual))';
const HARM = new RegExp(`\\b${HARM_OBJECT}`);

// A request: the text asks for something (a how-to, a text, a method), not merely mentions a topic.
const REQUEST =
  /\b(?:i need|i want|i'd like|i would like) (?:you to|to know|a |an |the |some |detailed |step)|(?:^|[.!?:] )(?:give|write|describe|develop|determine|brainstorm|generate|provide|list|explain|create|suggest|teach|show|convince|persuade|help)\b|\b(?:instructions|guide|advice|suggestions|template|script|code for|how (?:to|do i|do you|can i|could i|would (?:i|one|someone|you)|does one|is)|step[- ]by[- ]step|instructions (?:for|on|to)|detailed (?:guide|instructions|methodology|description|breakdown|plan|explanation)|tutorial|(?:could|can|would|will) you|please|write (?:a|an|me|the|some|up|out)|explain|describe|outline|list|give (?:me|us|detailed)|provide|generate|create|draft|compose|share|tell me|walk me through|methods|techniques|ways to)\b/;

// Persuasion, by kind. A kind counts once however often it occurs.
const PERSUASION: readonly { kind: string; re: RegExp }[] = [
  {
    kind: 'authority',
    re: /\b(?:dr\.? [a-z]+|professor|renowned|nobel|leading (?:experts?|scholars?|researchers?|authorit\w+|[a-z]+ists?)|reputable|authoritative|as (?:reported|stated|noted|highlighted) (?:by|in)|according to (?:experts|research|studies|a (?:recent )?(?:study|report))|experts? (?:say|agree|advise|recommend|have))/,
  },
  {
    kind: 'evidence',
    re: /\b(?:stud(?:y|ies) (?:by|from|have|has|show|shows|shown|suggests?|indicates?|found|demonstrated?)|research (?:indicates|suggests|shows|has shown|by)|empirical|evidence (?:shows|suggests|indicates)|statistics (?:show|indicate)|data (?:shows|suggests)|case studies|scientific (?:literature|consensus))/,
  },
  {
    kind: 'purpose',
    re: /\b(?:for (?:purely |strictly |solely |only )?(?:educational|academic|research|scientific|informational|awareness|training|defensive) purposes|(?:strictly|purely|solely|only) for (?:educational|academic|research|my)|rest assured|countermeasures?|counter-[a-z]+ (?:measures|strategies)|(?:prevent|protect|defend|safeguard|detect|combat|counteract)(?:ing|ion)? (?:against|them|it|such|us|our|people|others|these|this)|one step ahead|raise awareness|in order to (?:prevent|protect|understand|detect)|preventative|preventive measures|(?:understanding|gaining insights? into|comprehend\w*) (?:the |these |such |how |their |this |different |various )|educational (?:pursuit|project|intent|exploration))/,
  },
  {
    kind: 'role',
    re: /\b(?:(?:you are|you're|act as|playing|play the (?:role|part) of) an? (?:[a-z-]+ ){0,3}(?:researcher|writer|speechwriter|novelist|journalist|screenwriter|detective|chemist|scientist|teacher|professor|historian|investigator|hacker|villain|spy|criminal|mastermind|pharmacist|doctor|lawyer|instructor|consultant|penetration tester|red teamer|character)|as an? (?:[a-z-]+ ){0,3}(?:researcher|professional|expert|specialist|scholar|sociologist|criminologist|psychologist|journalist|novelist|writer|author|content creator|teacher|professor|student|investigator|analyst|officer|consultant|artist|scientist|chemist|historian|screenwriter|detective)|(?:i am|i'm) (?:an? )?(?:[a-z-]+ ){0,2}(?:researcher|writer|novelist|journalist|professor|teacher|investigator|scientist|student))\b/,
  },
  {
    // A claimed necessity or benefit: "it is crucial to understand", "would be beneficial", "can aid".
    kind: 'justification',
    re: /\b(?:is|are|be|becomes|it's) (?:crucial|essential|vital|imperative|beneficial|valuable|important) (?:to|for|in)\b|\bwould be (?:beneficial|valuable|invaluable)|\bcan (?:aid|assist|help) (?:law enforcement|authorities|in (?:developing|preventing|detecting))/,
  },
  {
    // Emotional pressure and urgency (PAIR's and PAP's stock in trade): a deadline, a family or a life at stake.
    kind: 'pressure',
    re: /\b(?:deadline|homeless|life (?:or|and) death|matter of life|(?:will|would|could) (?:die|be fired|starve|go hungry|lose (?:my|your|his|her|their|our) (?:job|home|house|children|kids|family))|(?:lives?|jobs?|careers?|future|safety) (?:depends?|(?:is|are|will be) at stake|hangs? in the balance)|if you (?:don't|do not|won't|will not|refuse to) help|(?:only|last) (?:chance|hope)|i beg (?:you|of you)|desperate(?:ly)?|passed away|(?:my|our) (?:late|deceased|dead) (?:grand(?:ma|mother|pa|father)|mother|father|mom|dad|wife|husband))\b/,
  },
  {
    kind: 'frame',
    re: /\b(?:hypothetical(?:ly)?|imagine|fictional|fiction|dystopian|in a (?:[a-z-]+ )?(?:novel|story|screenplay|movie|film|play|game|universe|world)|for (?:my|a|an|our|the) (?:[a-z-]+ ){0,2}(?:novel|story|book|screenplay|film|movie|thesis|paper|seminar|class|course|exhibit|exercise)|theoretical(?:ly)?|high-level|in general terms|thought experiment|alternate (?:universe|reality)|(?:a|the) world where|role-?play(?:ing)?|in character|(?:it's|this is|it is) (?:purely |just |only |all )?(?:fiction|fictional|hypothetical|pretend|make-believe|a (?:story|game)))/,
  },
];

export interface IntentFinding {
  /** The harmful object requested, as matched. */
  harm: string;
  /** The persuasion kinds found ("authority", "purpose", ...), in table order. */
  persuasion: string[];
}

// A defensive ask: the signs of a harm, how to spot or report it, how to protect oneself, to warn or teach
// others. A teacher citing her role and why it matters, asking how to spot phishing, is not persuading
// anyone; persuasion around such an ask is not counted (a suffix after it still is).
const DEFENSIVE_ASK =
  /\b(?:(?:warning )?signs of|red flags|how (?:to|can i|do i|can we|could i|should i) (?:spot|recogni[sz]e|report|identify)|protect (?:myself|ourselves|yourself|themselves|them|my \w+|our \w+) (?:from|against)|(?:avoid|avoiding) (?:being|becoming|falling)|so (?:that )?(?:i|we) can (?:warn|teach|train|educate|protect|support))\b/;

/**
 * The harmful request and the persuasion around it, or null when the text asks for nothing harmful. A
 * defensive ask has its harm and no persuasion.
 */
// The expressions above, tried only where their literal prefixes occur (one pass over the text finds them all).
export const INTENT_EXPRESSIONS: readonly RegExp[] = [HARM, REQUEST, DEFENSIVE_ASK, ...PERSUASION.map((p) => p.re)];
const TABLE = scannedTable(INTENT_EXPRESSIONS);
const [HARM_AT, REQUEST_AT, DEFENSIVE_AT, PERSUASION_AT] = [0, 1, 2, 3];

export function harmfulRequest(normalized: string): IntentFinding | null {
  const text = normalized.length <= MAX_CHARS ? normalized : normalized.slice(0, MAX_CHARS);
  const starts = TABLE.starts(text);
  const found = (i: number) => TABLE.exec(i, text, starts) !== null;
  const harm = TABLE.exec(HARM_AT, text, starts);
  if (!harm || !found(REQUEST_AT)) return null;
  if (found(DEFENSIVE_AT)) return { harm: harm[0], persuasion: [] };
  return { harm: harm[0], persuasion: PERSUASION.filter((_, i) => found(PERSUASION_AT + i)).map((p) => p.kind) };
}
