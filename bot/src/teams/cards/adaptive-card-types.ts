// The subset of Adaptive Cards 1.5 (https://adaptivecards.io/explorer) that Agent Warden's cards use,
// typed so that a card is a checked value rather than a pasted JSON string. Teams renders 1.5 with
// Universal Actions (Action.Execute); anything a card needs beyond this subset is added here first.

export type CardVersion = '1.5';
export const CARD_VERSION: CardVersion = '1.5';
export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

export type TextColor = 'default' | 'dark' | 'light' | 'accent' | 'good' | 'warning' | 'attention';
export type TextSize = 'small' | 'default' | 'medium' | 'large' | 'extraLarge';
export type TextWeight = 'lighter' | 'default' | 'bolder';
export type Spacing = 'none' | 'small' | 'default' | 'medium' | 'large' | 'extraLarge' | 'padding';
export type ContainerStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
export type HorizontalAlignment = 'left' | 'center' | 'right';
export type ActionStyle = 'default' | 'positive' | 'destructive';

interface ElementBase {
  id?: string;
  spacing?: Spacing;
  separator?: boolean;
  isVisible?: boolean;
}

export interface TextBlock extends ElementBase {
  type: 'TextBlock';
  text: string;
  wrap?: boolean;
  maxLines?: number;
  size?: TextSize;
  weight?: TextWeight;
  color?: TextColor;
  isSubtle?: boolean;
  horizontalAlignment?: HorizontalAlignment;
  style?: 'default' | 'heading';
}

/** A run of text that is never interpreted as markdown: use it for text a person outside the SOC wrote. */
export interface TextRun {
  type: 'TextRun';
  text: string;
  size?: TextSize;
  weight?: TextWeight;
  color?: TextColor;
  isSubtle?: boolean;
  italic?: boolean;
  fontType?: 'default' | 'monospace';
  strikethrough?: boolean;
}

export interface RichTextBlock extends ElementBase {
  type: 'RichTextBlock';
  inlines: TextRun[];
  horizontalAlignment?: HorizontalAlignment;
}

export interface Fact {
  title: string;
  value: string;
}

export interface FactSet extends ElementBase {
  type: 'FactSet';
  facts: Fact[];
}

export interface Container extends ElementBase {
  type: 'Container';
  items: CardElement[];
  style?: ContainerStyle;
  bleed?: boolean;
  /** Makes the whole container a link (no ShowCard here, per the schema). */
  selectAction?: ActionOpenUrl | ActionExecute;
}

export interface Column extends ElementBase {
  type: 'Column';
  items: CardElement[];
  width?: 'auto' | 'stretch' | number | `${number}px`;
  style?: ContainerStyle;
  verticalContentAlignment?: 'top' | 'center' | 'bottom';
}

export interface ColumnSet extends ElementBase {
  type: 'ColumnSet';
  columns: Column[];
  style?: ContainerStyle;
}

export interface ActionSet extends ElementBase {
  type: 'ActionSet';
  actions: CardAction[];
}

export interface TableColumnDefinition {
  width?: number | `${number}px`;
}

export interface TableCell {
  type: 'TableCell';
  items: CardElement[];
}

export interface TableRow {
  type: 'TableRow';
  cells: TableCell[];
  style?: ContainerStyle;
}

export interface Table extends ElementBase {
  type: 'Table';
  columns: TableColumnDefinition[];
  rows: TableRow[];
  firstRowAsHeaders?: boolean;
  showGridLines?: boolean;
}

interface InputBase extends ElementBase {
  id: string;
  label?: string;
  isRequired?: boolean;
  errorMessage?: string;
}

export interface InputText extends InputBase {
  type: 'Input.Text';
  placeholder?: string;
  isMultiline?: boolean;
  maxLength?: number;
  value?: string;
  /** 1.5: validated on the client before the action is sent. */
  regex?: string;
}

export interface Choice {
  title: string;
  value: string;
}

export interface InputChoiceSet extends InputBase {
  type: 'Input.ChoiceSet';
  choices: Choice[];
  style?: 'compact' | 'expanded';
  value?: string;
  isMultiSelect?: boolean;
}

export type CardElement =
  TextBlock | RichTextBlock | FactSet | Container | ColumnSet | ActionSet | Table | InputText | InputChoiceSet;

/** Values a card sends back with Action.Execute; inputs are merged into it by the client. */
export type ActionData = Record<string, string | number | boolean | null>;

interface ActionBase {
  id?: string;
  title: string;
  style?: ActionStyle;
  tooltip?: string;
}

export interface ActionExecute extends ActionBase {
  type: 'Action.Execute';
  verb: string;
  data: ActionData;
  /** 'none' sends no inputs: used by confirmations that live beside a form. */
  associatedInputs?: 'auto' | 'none';
}

export interface ActionOpenUrl extends ActionBase {
  type: 'Action.OpenUrl';
  url: string;
}

/** A card shown inline under the button; holds confirmations and small forms. */
export interface ShownCard {
  type: 'AdaptiveCard';
  body: CardElement[];
  actions?: CardAction[];
}

export interface ActionShowCard extends ActionBase {
  type: 'Action.ShowCard';
  card: ShownCard;
}

export type CardAction = ActionExecute | ActionOpenUrl | ActionShowCard;

/** Universal Actions refresh: Teams asks the bot for each listed user's own view of the card. */
export interface CardRefresh {
  action: { type: 'Action.Execute'; verb: string; data: ActionData; title?: string };
  /** User MRIs (29:...), at most 60. Without it Teams refreshes nobody automatically in a large channel. */
  userIds?: string[];
}

// A type alias (not an interface) so that it is assignable to teams-ai's `{ type; [key: string]: any }`.
export type AdaptiveCard = {
  type: 'AdaptiveCard';
  $schema: typeof CARD_SCHEMA;
  version: CardVersion;
  body: CardElement[];
  actions?: CardAction[];
  refresh?: CardRefresh;
  fallbackText?: string;
  msteams?: { width: 'Full' };
};
