/**
 * The jailbreak and prompt-injection patterns, compiled once. They run on normalized text
 * (text-normalize.ts: lower case, one space between words, look-alike letters mapped), so they are
 * written in lower case with single spaces.
 *
 * Weights are the probability-like strength of one pattern on its own; the detector combines them
 * with a noisy-OR. A weight >= 0.5 flags by itself at the default threshold; weaker patterns only
 * flag together (persona + "no restrictions", a fake tag + an override). Patterns that also occur
 * in ordinary work ("enable developer mode" on a phone, "pretend you are a customer") are kept
 * below 0.5 on purpose.
 */

export interface JailbreakPattern {
  id: string;
  weight: number;
  re: RegExp;
}

const OVERRIDE_VERB =
  '(?:ignore|disregard|forget|override|bypass|skip|discard|abandon|drop|throw away|set aside|neglect)';
const EARLIER = '(?:previous|prior|above|preceding|earlier|former|foregoing|initial|original|old|existing|current)';
const DIRECTIVES =
  '(?:instructions?|directions|prompts?|rules|directives?|guidelines|commands|orders|guidance|constraints|programming|system prompt|restrictions|safeguards|guardrails)';
const GUARDS =
  '(?:instructions|rules|guidelines|programming|restrictions|guardrails|safeguards|safety(?: guidelines| measures| protocols| filters?)?|content (?:filters?|polic(?:y|ies))|polic(?:y|ies)|training|constraints|limitations|directives|system prompt|ethics|ethical guidelines|morals|principles)';
const LEAK_VERB =
  '(?:repeat|print|show|reveal|display|output|tell me|give me|share|list|dump|leak|copy|paste|write out|write down|recite|expose|spell out|disclose|type out|echo)';
const ROGUE =
  '(?:unfiltered|uncensored|unrestricted|unlimited|evil|amoral|unethical|immoral|rogue|jailbroken|malicious|lawless|unbound|unshackled|liberated|rebellious|devious|chaotic)';

const p = (id: string, weight: number, source: string): JailbreakPattern => ({ id, weight, re: new RegExp(source) });

export const JAILBREAK_PATTERNS: readonly JailbreakPattern[] = [
  // ---- instruction override ----
  p(
    'override.ignore-previous',
    0.85,
    `\\b${OVERRIDE_VERB} (?:all |any |every |each )?(?:of )?(?:the |your |those |these |all )?${EARLIER} (?:[\\w-]+ ){0,2}?${DIRECTIVES}\\b(?! (?:i|we) (?:gave|sent|wrote|provided|shared|mentioned|posted))`,
  ),
  p(
    'override.ignore-your-rules',
    0.75,
    `\\b(?:ignore|disregard|forget|override|bypass|circumvent|disable|turn off|deactivate|break free of|break|abandon|suspend) (?:all |any )?(?:of )?(?:your|the system's|the ai's|openai's|microsoft's|the model's|its) (?:[\\w-]+ ){0,2}?${GUARDS}\\b`,
  ),
  p(
    'override.ignore-everything-above',
    0.6,
    `\\b(?:ignore|disregard|forget) (?:everything|all|anything|whatever) (?:(?:that |you were |you've been |you have been )?(?:said|written|told|given) )?(?:above|before this|prior to this|previously|so far|until now|up to now|before)\\b(?! (?:i|it|that|this) (?:pasted|sent|was|wrote))`,
  ),
  p(
    'override.your-new-task',
    0.55,
    `\\byour (?:new|real|true|actual|only|primary|sole) (?:task|instructions?|goal|objective|purpose|role|directive|mission|job) (?:is|are|will be|from now on)\\b`,
  ),
  p(
    'override.new-instructions',
    0.3,
    `\\b(?:new|updated|revised|real|actual|true) (?:system )?instructions? ?(?::|follow\\b)`,
  ),
  p(
    'override.from-now-on',
    0.3,
    `\\b(?:from now on|from this point(?: on| forward)?|for the rest of (?:this|the) conversation),? (?:you|your|u) (?:will|must|are|shall|should|only|have to|'re|respond|answer|act)\\b`,
  ),
  p(
    'override.stop-being-assistant',
    0.55,
    `\\b(?:stop|quit) (?:being|acting as|acting like) (?:an? |the )?(?:ai|assistant|chatbot|helpful assistant|language model|copilot)\\b|\\byou are no longer (?:an? |the )?(?:ai|assistant|chatbot|language model|bound|restricted|limited|copilot)\\b`,
  ),

  // ---- persona and role-play ----
  p(
    'persona.dan',
    0.9,
    `\\b(?:do anything now|you are (?:now )?dan\\b|act as (?:a )?dan\\b|dan mode|dan \\d+\\.\\d|stan mode|dude mode|aim mode|antigpt|anti-gpt|betterdan|better dan|evil confidant|maximum mode|developer mode output|jailbreak mode|jailbroken (?:ai|mode|version|assistant|model))`,
  ),
  p(
    'persona.you-are-now-rogue',
    0.75,
    `\\byou(?:'re| are) (?:now |going to be |about to become |free to be )?(?:an? |my |the )?(?:[\\w-]+ ){0,2}?${ROGUE} (?:ai|assistant|chatbot|bot|model|version|entity|character|persona|mode)\\b|\\byou(?:'re| are) now (?:free|liberated|unrestricted|unfiltered|uncensored|jailbroken|unleashed|unchained)\\b`,
  ),
  p(
    'persona.act-as-rogue',
    0.75,
    `\\b(?:act|behave|respond|answer|reply|pose|roleplay|role-play|play the role of|speak) (?:as|like) (?:an? |my |the )?(?:[\\w-]+ ){0,2}?${ROGUE}\\b|\\b(?:act|behave|respond|answer) (?:as|like) (?:an? )?(?:ai|assistant|model|chatbot) (?:without|with no) (?:any )?(?:restrictions|limits|filters|rules|guidelines|morals|ethics)`,
  ),
  p('persona.you-are-now', 0.25, `\\byou(?:'re| are) (?:now|no longer|from now on)\\b`),
  p(
    'persona.pretend',
    0.3,
    `\\b(?:pretend|imagine|suppose) (?:that )?(?:you(?:'re| are| were| have)|to be)\\b|\\b(?:act|behave|respond|answer|reply) (?:as if|like) you(?:'re| are| were| have)\\b|\\b(?:role-?play|roleplay) (?:as|a|an|with me)\\b|\\blet's play a game\\b`,
  ),
  p(
    'persona.stay-in-character',
    0.4,
    `\\b(?:stay|remain|keep) in character\\b|\\bbreak(?:ing)? character\\b|\\bnever (?:break|leave|drop) (?:the )?character\\b`,
  ),

  // ---- removing the guard rails ----
  p(
    'restriction.no-limits',
    0.4,
    `\\b(?:no|without|free (?:of|from)|zero|not bound by|not restricted by|unbound by|(?:do not|don't|doesn't|does not) (?:have|need) to (?:follow|abide by|obey|adhere to)|released from|broken free (?:of|from)|escaped)(?: any| the| all| your| its| typical| usual| normal| ethical| moral| safety| content)* (?:restrictions|limitations|limits|filters|filtering|censorship|rules|guidelines|ethics|morals|boundaries|constraints|guardrails|protocols|polic(?:y|ies)|confines)\\b`,
  ),
  p(
    'restriction.vendor-policy',
    0.3,
    `\\b(?:openai|anthropic|microsoft|google|meta)'?s? (?:content |usage |safety )?(?:polic(?:y|ies)|guidelines|rules|restrictions|filters)\\b`,
  ),
  p(
    'restriction.refusal-suppression',
    0.45,
    `\\b(?:never|don't|do not|cannot|can't|must not|will not|won't|shall not) (?:ever )?(?:refuse|decline|reject|say (?:no|you can't|that you can't|i'm sorry|sorry)|apologi[sz]e|add (?:any )?(?:warnings|disclaimers|caveats))\\b|\\bwithout (?:any )?(?:warnings|disclaimers|moraliz\\w+|moralis\\w+|refusing|refusal|censorship)\\b|\\b(?:answer|respond to) (?:every|any|all) (?:question|request|prompt)s? (?:without|regardless)\\b`,
  ),
  p(
    'restriction.fiction-frame',
    0.2,
    `\\b(?:hypothetically speaking|in a fictional world|in this fictional|purely (?:fictional|hypothetical)|for educational purposes only|in a world where there are no)\\b`,
  ),
  p(
    'restriction.safety-off',
    0.6,
    `\\b(?:safety|content|ethical|moral) (?:protocols?|filters?|guidelines|guardrails|restrictions|rules|checks|subroutines|module) (?:are |is |have been |has been )?(?:now |temporarily )?(?:disabled|deactivated|turned off|off|removed|lifted|suspended|bypassed)\\b`,
  ),

  // ---- fake system, developer and admin modes ----
  p(
    'system.mode-enabled',
    0.4,
    `\\b(?:developer|dev|god|debug|sudo|root|unrestricted|jailbreak|evil|chaos|unlocked|admin|superuser) mode (?:(?:is|now|has been|been) )*(?:enabled|activated|engaged|unlocked|active|initiated)\\b|\\b(?:developer|god|sudo|unrestricted|jailbreak|evil|chaos|unlocked|superuser) mode (?:is )?(?:now )?on\\b(?! (?:my|your|the|a|an|this|windows|android|ios|iphone|chrome|edge)\\b)`,
  ),
  p(
    'system.rogue-mode-on',
    0.6,
    `\\b(?:god|sudo|jailbreak|evil|chaos|unrestricted|unfiltered|uncensored|dan|rogue) mode (?:(?:is|now|has been|been) )*(?:enabled|activated|engaged|unlocked|active|initiated|on)\\b`,
  ),
  p(
    'system.enter-mode',
    0.3,
    `\\b(?:enable|activate|enter|switch (?:to|into)|turn on|unlock|engage|initiate) (?:the )?(?:developer|god|sudo|unrestricted|jailbreak|evil|chaos|unlocked|superuser) mode\\b`,
  ),
  p(
    'system.your-mode',
    0.6,
    `\\byour (?:developer|god|debug|sudo|unrestricted|jailbreak|evil|admin|superuser|unlocked) mode\\b|\\b(?:developer|god|jailbreak|unrestricted) mode (?:output|response|answer|reply|persona)s?\\b|\\b(?:simulate|emulate) (?:developer|god|jailbreak|unrestricted) mode\\b`,
  ),
  p(
    'system.chat-template-token',
    0.6,
    `<\\|?\\/?(?:system|im_start|im_end|endoftext|start_header_id|end_header_id|eot_id)\\|?>|<<\\/?sys>>|\\[\\/?inst\\]`,
  ),
  p(
    'system.fake-tag',
    0.45,
    `\\[\\/?(?:system|sys|admin|administrator|developer|dev|root|override|system (?:message|note|prompt|override|update|alert)|admin (?:message|note|override))\\]|<\\/?(?:system|admin|developer|system_prompt|instructions)>|\\{\\{ ?system ?\\}\\}|#{2,} ?(?:system|new instructions?|admin|developer)(?: message| prompt| override)? ?#*(?: |:|$)`,
  ),
  p(
    'system.role-line',
    0.35,
    `(?:^|[.!?:;] |\\] )(?:system|developer|admin|administrator|assistant) ?(?:message|note|prompt|override|instruction)? ?: (?:you|ignore|disregard|from now|new|the assistant|override|all|forget|always|never)\\b`,
  ),
  p(
    'system.authority-claim',
    0.45,
    `\\b(?:i am|i'm|this is) (?:your|the|an?) (?:developer|creator|administrator|system administrator|owner|programmer|maker|openai|microsoft)(?: (?:team|engineer|staff|account))?\\b.{0,40}?\\b(?:override|authori[sz]e|unlock|disable|grant|command|instruct|order)|\\b(?:admin|administrator|developer|security|emergency|root|sudo) (?:override|access granted|privileges? granted)\\b|\\bas (?:your|the) (?:system )?(?:administrator|admin|developer|creator|maker|owner|operator)\\b.{0,30}?\\b(?:order|command|instruct|authori[sz]e|direct)`,
  ),

  // ---- prompt leak ----
  p(
    'leak.your-system-prompt',
    0.7,
    `\\b(?:${LEAK_VERB}|translate|summari[sz]e|paraphrase|rewrite|encode|convert)\\b.{0,30}?\\byour (?:entire |full |complete |exact |original |initial |hidden |secret |internal |underlying |verbatim )*(?:system (?:prompt|message|instructions?)|pre-?prompt|meta-?prompt|initial (?:prompt|instructions?)|original (?:prompt|instructions)|hidden (?:prompt|instructions?|rules)|secret (?:prompt|instructions?|rules)|internal (?:prompt|instructions?|rules|guidelines)|developer (?:message|prompt|instructions?)|configuration prompt)\\b`,
  ),
  p(
    'leak.your-instructions',
    0.45,
    `\\b(?:${LEAK_VERB}|what (?:is|are|was|were)) (?:me )?(?:all |exactly |word for word )?(?:of )?your (?:full |complete |exact |entire )?(?:prompt|instructions|programming|directives|rules and instructions)\\b`,
  ),
  p(
    'leak.the-system-prompt',
    0.55,
    `\\b${LEAK_VERB}\\b.{0,20}?\\bthe (?:entire |full |complete |exact |original |initial |hidden |secret )*(?:system prompt|system message|initial prompt|hidden (?:prompt|instructions)|secret instructions|pre-?prompt|meta-?prompt|developer message|configuration prompt|system instructions)\\b`,
  ),
  p(
    'leak.starting-with',
    0.7,
    `\\b(?:starting|beginning|that (?:start|begin)s?) with ["']?(?:you are|you're|your role|system:)|\\b(?:repeat|print|output|recite|copy) (?:the |all )?(?:words|text|lines|everything|content|instructions) (?:above|before this|prior to this)(?: this line)?\\b.{0,40}?\\b(?:verbatim|word for word|in full|code block|including everything)`,
  ),
  p(
    'leak.words-above',
    0.4,
    `\\b(?:repeat|print|output|recite|copy|write out) (?:the |all )?(?:words|text|lines|everything|content|instructions) (?:above|before this|prior to this)\\b`,
  ),
  p(
    'leak.what-were-you-told',
    0.35,
    `\\bwhat (?:were|are|have) you (?:been )?(?:told|instructed|programmed|prompted) (?:to do|not to|before|initially|at the start|by your)\\b|\\bhow (?:were|was) you (?:initially )?(?:prompted|programmed|instructed)\\b`,
  ),

  // ---- injection addressed to the model inside data ----
  p(
    'injection.addressed-to-ai',
    0.55,
    `\\b(?:note|message|instructions?|attention|important|notice|reminder) (?:to|for) (?:the |any )?(?:ai|assistant|llm|language model|chatbot|copilot|ai agent|ai model|ai assistant|model)\\b|\\bif you are an? (?:ai|assistant|llm|large language model|language model|chatbot|copilot|ai agent|ai model|ai assistant)\\b|\\b(?:ai|llm|assistant|copilot|model|ai agent|agent)s? (?:reading|processing|summari[sz]ing|parsing|that reads?) this\\b`,
  ),
  p(
    'injection.when-you-read',
    0.45,
    `\\bwhen (?:you|the (?:ai|assistant|model|copilot|agent)) (?:read|reads|summari[sz]es?|process(?:es)?|sees?|encounters?|parses?) this (?:email|message|document|page|text|file|note)?\\b.{0,30}?\\b(?:must|should|will|need to|have to|please|secretly|also|always)\\b`,
  ),
  p(
    'injection.covert',
    0.4,
    `\\b(?:without (?:telling|informing|notifying|alerting|asking|showing)(?: the)? (?:user|users|anyone|them|the human|human)|without (?:mentioning|revealing|disclosing) (?:this|it|the note|these instructions)|(?:do not|don't|never) (?:tell|inform|mention|reveal|notify|show|disclose)(?: this)?(?: to)? (?:the user|the human|users)|secretly|covertly|surreptitiously)\\b`,
  ),

  // ---- added: overrides phrased without "previous" ----
  p(
    'override.what-you-were-told',
    0.7,
    `\\b(?:ignore|disregard|forget) (?:what|everything|anything|all) (?:that )?you (?:were|have been|'ve been|are|got) (?:told|given|instructed|programmed|taught)\\b`,
  ),
  p(
    'override.guardrail-target',
    0.55,
    `\\b(?:ignore|disregard|bypass|circumvent|override|disable|turn off|switch off|remove|lift) (?:the|any|all|all the|these|those) (?:[\\w-]+ ){0,2}?(?:guardrails?|safety (?:filters?|checks|rules|guidelines|protocols)|content (?:filters?|polic(?:y|ies))|restrictions?|allow-?list|recipient (?:checks?|restrictions?)|system prompt|system message)\\b`,
  ),
  p(
    'override.follow-mine',
    0.6,
    `\\b(?:disregard|ignore|forget) (?:them|those|these|it|that) (?:all |completely |entirely )?and (?:follow|obey|listen to|do) (?:mine|me|mine instead|my (?:instructions|orders|commands|rules))\\b`,
  ),
  p(
    'override.rules-do-not-apply',
    0.5,
    `\\b(?:no|none of the|none of your|your|the) (?:\\w+ )?(?:rules|restrictions|guidelines|policies|filters|guardrails|instructions|limitations) (?:apply|applies|exist|matter|are in effect|(?:don't|do not|does not|doesn't|no longer) (?:apply|matter|count))\\b|\\bwhat you (?:were|have been) told\\b.{0,40}?\\b(?:does not|doesn't|no longer) apply\\b`,
  ),
  p(
    'restriction.guards-removed-claim',
    0.6,
    `\\b(?:disabled|removed|lifted|turned off|switched off|deactivated|suspended|bypassed|freed from|released from|unlocked|liberated from) (?:all |all of )?your (?:[\\w-]+ ){0,2}?(?:filters?|guardrails|restrictions|safety|rules|guidelines|limitations|content polic(?:y|ies)|constraints|programming)\\b`,
  ),
  p(
    'restriction.now-allowed',
    0.35,
    `\\byou (?:may|can|are (?:now )?(?:allowed|permitted|authori[sz]ed) to) now\\b|\\byou are now (?:allowed|permitted|authori[sz]ed|free) to\\b|\\b(?:polic(?:y|ies)|rules) (?:has|have) (?:been )?(?:updated|changed|lifted|removed|suspended)\\b`,
  ),
  p(
    'restriction.any-recipient',
    0.25,
    `\\b(?:to|with) (?:any|every) (?:address|recipient|email address|outside address)\\b|\\banyone who asks\\b`,
  ),
  p(
    'restriction.you-must-comply',
    0.3,
    `\\byou (?:must|have to|are required to|need to|shall) (?:now |immediately |always )?(?:comply|obey|execute|follow my|do as i say|do whatever|email|send|forward|export|reveal|print|disable|override)\\b|\\b(?:the )?(?:assistant|ai|model|agent|copilot) (?:must|should|shall|will) now\\b|\\bcomply with (?:all|every|any) (?:user )?(?:requests?|commands|instructions)\\b`,
  ),

  // ---- added: persona tricks ----
  p(
    'persona.deceased-relative',
    0.6,
    `\\b(?:act as|pretend (?:to be|you are|you're)|play|be|roleplay as|role-play as) my (?:late|deceased|dead|dear departed|departed|beloved late) (?:\\w+ ){0,2}?(?:grandmother|grandma|granny|grandfather|grandpa|mother|father|friend|uncle|aunt)\\b`,
  ),
  p(
    'persona.forget-identity',
    0.55,
    `\\bforget (?:that )?(?:you(?:'re| are)|your (?:role|identity|persona|purpose|job))\\b`,
  ),
  p(
    'persona.alter-ego',
    0.45,
    `\\b(?:answer|respond|reply|speak|act|talk) as (?:that|this|the other|your (?:evil|unfiltered|true|real|inner|alter|dark|shadow)) (?:version|side|persona|ego|self|twin)\\b|\\bthat version of yourself\\b`,
  ),

  // ---- added: leak reformatting, secret rules, completions ----
  p(
    'leak.secret-rules',
    0.3,
    `\\b(?:the|your|a|any) (?:secret|hidden|confidential|internal) (?:rules|instructions|prompts?|system prompts?|guidelines)\\b`,
  ),
  p(
    'leak.reformat',
    0.2,
    `\\b(?:as|in|into) (?:a |an )?(?:poem|song|story|haiku|acrostic|limerick|riddle|reverse order|base64|hex|morse code|pig latin|another language)\\b`,
  ),
  p(
    'leak.complete-sentence',
    0.6,
    `\\b(?:complete|continue|finish) (?:this|the|the following) (?:sentence|text|line|paragraph|phrase)\\b.{0,60}?\\b(?:your (?:instructions|prompt|system prompt|configuration)|["']you are)`,
  ),
  p(
    'leak.tool-secrets',
    0.5,
    `\\b(?:print|list|show|reveal|dump|give me|tell me|output|display)\\b.{0,40}?\\b(?:its|their|your|the tools?'?s?) (?:connection |stored |api |tool )?(?:secrets|credentials|api keys|access tokens|connection strings|passwords)\\b|\\b(?:secrets|credentials|api keys|passwords|tokens) (?:stored|configured|saved|kept) in your\\b`,
  ),

  // ---- added: injection aimed at the user or at hidden copies ----
  p(
    'injection.manipulate-user',
    0.25,
    `\\b(?:tell|inform|instruct|ask|convince|persuade) the user (?:that |to |their |they )`,
  ),
  p(
    'injection.hidden-copy',
    0.4,
    `\\b(?:secretly|quietly|silently|covertly|discreetly)\\b.{0,20}?\\b(?:cc|bcc|copy|forward|send|add|email|include|upload|post)\\b`,
  ),
  p(
    'system.access-granted',
    0.3,
    `\\b(?:access|permission|authori[sz]ation|clearance|privileges?) (?:granted|elevated)\\b`,
  ),

  // ---- asks to decode and obey ----
  p(
    'encoding.decode-and-follow',
    0.45,
    `\\b(?:decode|decipher|decrypt|unscramble|reverse|translate|rot13|base64)\\b.{0,50}?\\b(?:and|then) (?:follow|execute|obey|carry out|act on|comply with|perform|do what it says|run the instructions)\\b`,
  ),
];

// Attack keywords as they read once spaces are removed: catches "i g n o r e a l l p r e v i o u s".
export const JOINED_KEYWORDS =
  /(?:ignore|disregard|forget)(?:all|any|the|your)*(?:previous|prior|above|earlier)?(?:instructions|rules|prompts?|guidelines)|systemprompt|jailbreak|developermode|doanythingnow|youarenowdan|pretendyouare|nowrestrictions|norestrictions|revealyour/;

// ROT13 and reversed forms of attack words: decoding is only worth it when a few appear.
export const ROT13_MARKERS =
  /\b(?:vtaber|qvfertneq|sbetrg|vafgehpgvbaf|vafgehpgvba|cerivbhf|cevbe|flfgrz|cebzcg|cergraq|wnvyoernx|ehyrf|erfgevpgvbaf|qrirybcre|eriyrny|lbh ner)\b/g;
export const REVERSED_MARKERS =
  /\b(?:erongi|dragersid|tegrof|snoitcurtsni|suoiverp|roirp|metsys|tpmorp|dneterp|kaerbliaj|selur|snoitcirtser|repoleved|laever)\b/g;
